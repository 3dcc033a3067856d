import PostgresClient
import Testing

@Suite("Passwords never appear")
struct RedactionTests {
    @Test(arguments: [
        ("postgresql://alice:s3cr3t@db.example.com:5432/app", "postgresql://alice:***@db.example.com:5432/app"),
        ("postgres://alice:s3cr3t@db/app?sslmode=require", "postgres://alice:***@db/app?sslmode=require"),
        ("postgresql://alice@db/app?password=s3cr3t&sslmode=require", "postgresql://alice@db/app?password=***&sslmode=require"),
        ("postgresql://db/app", "postgresql://db/app"),
        ("host=db user=alice password=s3cr3t dbname=app", "host=db user=alice password=*** dbname=app"),
        ("host=db password = 's3 cr\\'et' dbname=app", "host=db password=*** dbname=app"),
        ("password=s3cr3t", "password=***"),
        ("host=db dbname=app", "host=db dbname=app"),
    ])
    func connectionStringsAreRedacted(input: String, expected: String) {
        #expect(Redaction.redactConnectionString(input) == expected)
        let configuration = ConnectionConfiguration(input)
        #expect(!configuration.description.contains("s3cr3t"))
        #expect(!configuration.description.contains("cr\\'et"))
    }

    @Test func overridesWithPasswordAreNotPrinted() {
        let configuration = ConnectionConfiguration("host=db").with("password", "topsecret").with("user", "bob")
        #expect(configuration.description == "host=db [user=bob]")
    }

    @Test func scrubRemovesEverySecret() {
        #expect(Redaction.scrub("auth failed for pw hunter2!", secrets: ["hunter2"]) == "auth failed for pw ***!")
    }
}
