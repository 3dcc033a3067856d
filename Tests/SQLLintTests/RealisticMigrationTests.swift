import Testing
@testable import SQLLint

@Suite("A realistic migration")
struct RealisticMigrationTests {
    static let migration = """
        -- 0007_orders.sql: a realistic expand migration
        SET lock_timeout = '3s';

        CREATE TABLE order_notes (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            order_id bigint NOT NULL REFERENCES orders (id),
            body text NOT NULL,
            meta json,
            created_at timestamp NOT NULL DEFAULT now()
        );
        CREATE INDEX order_notes_order_id_idx ON order_notes (order_id);

        ALTER TABLE orders ADD COLUMN note_count integer NOT NULL DEFAULT 0;
        ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
        CREATE INDEX orders_public_id_idx ON orders (public_id);

        -- slipway-lint: ignore no-column-type-change -- varchar(40) -> text is binary-coercible
        ALTER TABLE orders ALTER COLUMN reference TYPE text;

        ALTER TABLE orders ADD CONSTRAINT orders_public_id_not_null CHECK (public_id IS NOT NULL) NOT VALID;
        ALTER TABLE orders VALIDATE CONSTRAINT orders_public_id_not_null;
        ALTER TABLE orders ALTER COLUMN public_id SET NOT NULL;

        CREATE OR REPLACE FUNCTION touch_order() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE orders SET updated_at = now();  -- inside a body: never flagged
            RETURN NEW;
        END
        $$;

        BEGIN;
        ALTER TYPE order_status ADD VALUE 'refunded';
        COMMIT;

        UPDATE orders SET note_count = 0;
        """

    /// Exactly the dangerous statements are reported, each at its offending token; the new table's index, the
    /// constant default, the validated NOT NULL, the suppressed type change and the function body are not.
    @Test func reportsExactlyTheDangerousStatements() {
        let result = SQLLinter().lint(Self.migration, file: "migrations/0007_orders.sql")
        let found = result.findings.map { "\($0.position.line):\($0.position.column) \($0.ruleID)" }
        #expect(found == [
            "8:10 prefer-jsonb",
            "9:16 prefer-timestamptz",
            "14:46 no-volatile-default",
            "15:8 require-concurrent-index",
            "32:25 no-enum-add-value-in-transaction",
            "35:1 require-where-clause",
        ])
        #expect(result.statementCount == 15)
        #expect(result.suppressedCount == 1)
        #expect(LintSummary([result]).line == "1 file, 15 statements: 3 errors, 3 warnings (1 suppressed)")
    }

    @Test func targetVersionSilencesVersionSpecificRules() {
        let result = SQLLinter(configuration: LintConfiguration(postgresMajorVersion: 16)).lint(Self.migration, file: "m.sql")
        #expect(!result.findings.contains { $0.ruleID == "no-enum-add-value-in-transaction" })
        #expect(result.findings.count == 5)
    }
}
