import Testing
@testable import Releases

@Suite("Semantic Versioning 2.0.0")
struct SemanticVersionTests {
    static let valid: [(String, UInt64, UInt64, UInt64, [String], [String])] = [
        ("0.0.0", 0, 0, 0, [], []),
        ("0.0.4", 0, 0, 4, [], []),
        ("1.2.3", 1, 2, 3, [], []),
        ("10.20.30", 10, 20, 30, [], []),
        ("1.1.2-prerelease+meta", 1, 1, 2, ["prerelease"], ["meta"]),
        ("1.1.2+meta", 1, 1, 2, [], ["meta"]),
        ("1.1.2+meta-valid", 1, 1, 2, [], ["meta-valid"]),
        ("1.0.0-alpha", 1, 0, 0, ["alpha"], []),
        ("1.0.0-beta", 1, 0, 0, ["beta"], []),
        ("1.0.0-alpha.beta", 1, 0, 0, ["alpha", "beta"], []),
        ("1.0.0-alpha.beta.1", 1, 0, 0, ["alpha", "beta", "1"], []),
        ("1.0.0-alpha.1", 1, 0, 0, ["alpha", "1"], []),
        ("1.0.0-alpha0.valid", 1, 0, 0, ["alpha0", "valid"], []),
        ("1.0.0-alpha.0valid", 1, 0, 0, ["alpha", "0valid"], []),
        ("1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay", 1, 0, 0, ["alpha-a", "b-c-somethinglong"], ["build", "1-aef", "1-its-okay"]),
        ("1.0.0-rc.1+build.1", 1, 0, 0, ["rc", "1"], ["build", "1"]),
        ("2.0.0-rc.1+build.123", 2, 0, 0, ["rc", "1"], ["build", "123"]),
        ("1.2.3-beta", 1, 2, 3, ["beta"], []),
        ("10.2.3-DEV-SNAPSHOT", 10, 2, 3, ["DEV-SNAPSHOT"], []),
        ("1.2.3-SNAPSHOT-123", 1, 2, 3, ["SNAPSHOT-123"], []),
        ("2.0.0+build.1848", 2, 0, 0, [], ["build", "1848"]),
        ("2.0.1-alpha.1227", 2, 0, 1, ["alpha", "1227"], []),
        ("1.0.0-alpha+beta", 1, 0, 0, ["alpha"], ["beta"]),
        ("1.2.3----RC-SNAPSHOT.12.9.1--.12+788", 1, 2, 3, ["---RC-SNAPSHOT", "12", "9", "1--", "12"], ["788"]),
        ("1.2.3----R-S.12.9.1--.12+meta", 1, 2, 3, ["---R-S", "12", "9", "1--", "12"], ["meta"]),
        ("1.2.3----RC-SNAPSHOT.12.9.1--.12", 1, 2, 3, ["---RC-SNAPSHOT", "12", "9", "1--", "12"], []),
        ("1.0.0+0.build.1-rc.10000aaa-kk-0.1", 1, 0, 0, [], ["0", "build", "1-rc", "10000aaa-kk-0", "1"]),
        ("9223372036854775806.0.0", 9_223_372_036_854_775_806, 0, 0, [], []),
        ("1.0.0-0A.is.legal", 1, 0, 0, ["0A", "is", "legal"], []),
        ("1.0.0-0", 1, 0, 0, ["0"], []),
        ("1.0.0+001", 1, 0, 0, [], ["001"]),
    ]

    @Test("parses valid versions", arguments: valid)
    func parsesValid(_ row: (String, UInt64, UInt64, UInt64, [String], [String])) throws {
        let version = try SemanticVersion(parsing: row.0)
        #expect(version.major == row.1)
        #expect(version.minor == row.2)
        #expect(version.patch == row.3)
        #expect(version.prerelease == row.4)
        #expect(version.build == row.5)
        #expect(version.description == row.0)
    }

    static let invalid: [String] = [
        "", "1", "1.2", "1.2.3.4", "1.2.3-", "1.2.3+", "1.2.3-+", "1.2.3-+123", "+invalid", "-invalid",
        "-invalid+invalid", "-invalid.01", "alpha", "alpha.beta", "alpha.beta.1", "alpha.1", "alpha+beta",
        "alpha_beta", "alpha.", "alpha..", "beta", "1.0.0-alpha_beta", "-alpha.", "1.0.0-alpha..", "1.0.0-alpha..1",
        "1.0.0-alpha...1", "1.0.0-alpha....1", "1.0.0-alpha.....1", "1.0.0-alpha......1", "1.0.0-alpha.......1",
        "01.1.1", "1.01.1", "1.1.01", "1.2.3.DEV", "1.2-SNAPSHOT", "1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788",
        "1.2-RC-SNAPSHOT", "-1.0.3-gamma+b7718", "+justmeta", "9.8.7+meta+meta", "9.8.7-whatever+meta+meta",
        "1.0.0-01", "1.0.0-rc.01", "v1.2.3", " 1.2.3", "1.2.3 ", "1.2.3-ü", "1.2.3+ü", "18446744073709551616.0.0",
        // Larger than SemanticVersion.largestNumber, so that a bump can never overflow (found by Fuzzing/run.sh).
        "18446744073709551615.0.0", "9223372036854775807.0.0", "1.9223372036854775807.0",
        "1..3", "a.b.c",
    ]

    @Test("rejects invalid versions", arguments: invalid)
    func rejectsInvalid(_ text: String) {
        #expect(SemanticVersion(text) == nil)
        #expect(throws: ReleaseError.self) { try SemanticVersion(parsing: text) }
    }

    /// Each pair is strictly increasing.
    static let ordered: [(String, String)] = [
        ("1.0.0", "2.0.0"), ("2.0.0", "2.1.0"), ("2.1.0", "2.1.1"), ("1.0.0-alpha", "1.0.0"),
        ("1.0.0-alpha", "1.0.0-alpha.1"), ("1.0.0-alpha.1", "1.0.0-alpha.beta"), ("1.0.0-alpha.beta", "1.0.0-beta"),
        ("1.0.0-beta", "1.0.0-beta.2"), ("1.0.0-beta.2", "1.0.0-beta.11"), ("1.0.0-beta.11", "1.0.0-rc.1"),
        ("1.0.0-rc.1", "1.0.0"), ("1.0.0-rc.9", "1.0.0-rc.10"), ("1.0.0-rc.1", "1.0.0-rc.1.1"),
        ("0.9.9", "1.0.0-alpha"), ("1.0.0-1", "1.0.0-alpha"), ("1.0.0-2", "1.0.0-10"), ("1.0.0-A", "1.0.0-a"),
        ("1.0.0-alpha", "1.0.0-alpha0"), ("1.9.0", "1.10.0"), ("1.0.9", "1.0.10"), ("9.0.0", "10.0.0"),
        ("1.0.0-99999999999999999999", "1.0.0-100000000000000000000"), ("1.0.0-rc.1", "1.0.0-rc-1"),
        ("0.0.0", "0.0.1"), ("1.0.0-x.7.z.92", "1.0.0-x.7.z.93"),
    ]

    @Test("orders by precedence", arguments: ordered)
    func ordersByPrecedence(_ pair: (String, String)) throws {
        let low = try SemanticVersion(parsing: pair.0)
        let high = try SemanticVersion(parsing: pair.1)
        #expect(low < high)
        #expect(!(high < low))
        #expect(low != high)
    }

    static let samePrecedence: [(String, String)] = [
        ("1.0.0+a", "1.0.0+b"), ("1.0.0", "1.0.0+build.1"), ("1.0.0-rc.1+x", "1.0.0-rc.1+y"), ("2.3.4", "2.3.4"),
    ]

    @Test("ignores build metadata in precedence", arguments: samePrecedence)
    func ignoresBuild(_ pair: (String, String)) throws {
        let left = try SemanticVersion(parsing: pair.0)
        let right = try SemanticVersion(parsing: pair.1)
        #expect(left.hasSamePrecedence(as: right))
        #expect(!(left < right) && !(right < left))
    }

    @Test func sortsTheSpecExample() throws {
        let expected = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0"]
        let versions = try expected.reversed().map { try SemanticVersion(parsing: $0) }
        #expect(versions.sorted().map(\.description) == expected)
    }

    static let bumps: [(String, BumpLevel, Bool, String)] = [
        ("1.2.3", .patch, false, "1.2.4"), ("1.2.3", .minor, false, "1.3.0"), ("1.2.3", .major, false, "2.0.0"),
        ("0.2.3", .major, false, "0.3.0"), ("0.2.3", .major, true, "1.0.0"), ("0.2.3", .minor, false, "0.3.0"),
        ("0.2.3", .patch, false, "0.2.4"), ("1.2.3-rc.1", .none, false, "1.2.3"), ("1.2.3+build", .patch, false, "1.2.4"),
        ("0.0.1", .major, false, "0.1.0"), ("9.9.9", .minor, true, "9.10.0"), ("1.0.0", .none, false, "1.0.0"),
    ]

    @Test("bumps", arguments: bumps)
    func bumpsVersion(_ row: (String, BumpLevel, Bool, String)) throws {
        #expect(try SemanticVersion(parsing: row.0).bumped(row.1, majorOnZero: row.2).description == row.3)
    }

    @Test func theLargestVersionStillBumps() throws {
        let largest = try SemanticVersion(parsing: "\(SemanticVersion.largestNumber).\(SemanticVersion.largestNumber).\(SemanticVersion.largestNumber)")
        #expect(largest.bumped(.patch).patch == SemanticVersion.largestNumber + 1)
        #expect(largest.bumped(.major).major == SemanticVersion.largestNumber + 1)
        #expect(throws: ReleaseError.self) { try SemanticVersion(parsing: "9223372036854775807.0.0") }
    }

    @Test func codableRoundTrip() throws {
        let version = try SemanticVersion(parsing: "1.2.3-rc.4+b.5")
        let json = try JSONEncoder().encode([version])
        #expect(String(decoding: json, as: UTF8.self) == "[\"1.2.3-rc.4+b.5\"]")
        #expect(try JSONDecoder().decode([SemanticVersion].self, from: json) == [version])
    }

    @Test func errorSaysWhichPartIsWrong() {
        do {
            _ = try SemanticVersion(parsing: "1.02.3")
            Issue.record("expected an error")
        } catch let error as ReleaseError {
            #expect(error.code == .invalidVersion)
            #expect(error.message.contains("minor"))
            #expect(error.message.contains("leading zero"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

import Foundation
