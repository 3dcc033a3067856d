import Testing
@testable import SlipwayConfig

@Suite("Durations and redaction")
struct SupportTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("2s", .seconds(2)), ("1m30s", .seconds(90)), ("1h", .seconds(3600)),
        ("0ms", .zero), ("1h2m3s4ms", .milliseconds(3_723_004)), ("90m", .seconds(5400)), ("1500ms", .milliseconds(1500)),
    ])
    func durationParses(text: String, expected: Duration) {
        #expect(DurationSyntax.parse(text) == expected)
    }

    @Test(arguments: [
        (Duration.milliseconds(500), "500ms"), (.seconds(2), "2s"), (.seconds(90), "1m30s"), (.seconds(3600), "1h"),
        (.zero, "0ms"), (.milliseconds(3_723_004), "1h2m3s4ms"),
    ])
    func durationFormats(duration: Duration, expected: String) {
        #expect(DurationSyntax.format(duration) == expected)
    }

    @Test(arguments: [
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        ("postgres://u:p%40ss@h:5432/db?sslmode=require", "postgres://u:***@h:5432/db?sslmode=require"),
        ("postgresql://u@h/db", "postgresql://u@h/db"),
        ("postgresql://h/db?user=u&password=pw&sslmode=require", "postgresql://h/db?user=u&password=***&sslmode=require"),
        ("POSTGRESQL://u:pw@h/db", "POSTGRESQL://u:***@h/db"),
        ("host=h user=u password=pw dbname=db", "host=h user=u password=*** dbname=db"),
        ("host=h password = 'p w\\'x' dbname=db", "host=h password = *** dbname=db"),
        ("password=pw", "password=***"),
        ("host=h passfile=/x", "host=h passfile=/x"),
        ("postgresql://u:pa/ss@h/db", "postgresql://u:***@h/db"),
        ("postgresql://u:p@ss@h/db", "postgresql://u:***@h/db"),
        ("host=h password=a\\ b dbname=db", "host=h password=*** dbname=db"),
        ("", ""),
        ("service=prod", "service=prod"),
    ])
    func redaction(connection: String, expected: String) {
        #expect(ConnectionRedaction.redacted(connection) == expected)
        #expect(ConnectionRedaction.containsPassword(connection) == (connection != expected))
    }

    @Test func literalStarsAreStillAPassword() {
        #expect(ConnectionRedaction.containsPassword("postgresql://u:***@h/db"))
        #expect(ConnectionRedaction.containsPassword("password=***"))
    }

    @Test(arguments: [("bakup_required", "backup_required"), ("lokc", "lock"), ("Schema", "schema")])
    func suggestions(key: String, expected: String) {
        #expect(KeySuggestion.closest(to: key, in: EnvironmentSection.keys + SlipwayConfiguration.keys) == expected)
    }

    @Test func noSuggestionForSomethingUnrelated() {
        #expect(KeySuggestion.closest(to: "xyzzy", in: LockSection.keys) == nil)
    }
}
