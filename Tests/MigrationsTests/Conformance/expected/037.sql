CREATE TYPE payment_method AS ENUM ('card', 'invoice', 'paypal');
