CREATE FUNCTION cents_to_eur(cents integer) RETURNS numeric
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT cents / 100.0 $$;
