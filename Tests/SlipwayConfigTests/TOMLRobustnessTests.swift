import Testing
@testable import SlipwayConfig

/// A small deterministic generator so failures reproduce.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("TOML robustness")
struct TOMLRobustnessTests {
    /// Fragments that exercise every branch of the grammar when glued together at random.
    static let fragments: [String] = [
        "[", "]", "[[", "]]", "{", "}", "=", ",", ".", "\"", "'", "\"\"\"", "'''", "\\", "\\u", "\\U0001F600", "#",
        "\n", "\r\n", "\r", " ", "\t", "a", "password=", "@", ":", "/", "?", "&", "1s", "ms", "b.c", "\"q k\"", "1", "-", "+", "_", "0x", "0o7", "0b1", "1e", "e5",
        "inf", "nan", "true", "false", "1979-05-27", "T", "07:32:00", "Z", "+07:00", ".5", "é", "ʞ", "\u{0}", "\u{7F}",
    ]

    @Test func randomFragmentsNeverCrash() {
        var generator = SplitMix64(state: 0x5EED)
        for _ in 0..<3000 {
            let count = Int.random(in: 0...40, using: &generator)
            let text = (0..<count).map { _ in Self.fragments.randomElement(using: &generator) ?? "" }.joined()
            _ = try? TOMLParser.parse(text)
            _ = try? SlipwayConfiguration.parse(text)
            _ = ConnectionRedaction.redacted(text)
            _ = ConnectionRedaction.redacted("postgresql://" + text)
            _ = DurationSyntax.parse(text)
        }
    }

    @Test func mutatedStarterFileNeverCrashes() {
        var generator = SplitMix64(state: 42)
        let original = Array(SlipwayConfiguration.starterFile.utf8)
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(Array("[]{}=\"'#\n".utf8).randomElement(using: &generator) ?? 0, at: position)
                default: bytes.removeSubrange(position..<min(bytes.count, position + 40))
                }
                if bytes.isEmpty { bytes = original }
            }
            _ = try? TOMLParser.parse(bytes: bytes)
            _ = try? SlipwayConfiguration.parse(bytes: bytes)
        }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SplitMix64(state: 7)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try? TOMLParser.parse(bytes: bytes)
        }
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let deepArrays = "a = " + String(repeating: "[", count: 100_000)
        let deepTables = "a = " + String(repeating: "{ b = ", count: 100_000)
        #expect(throws: TOMLError.self) { try TOMLParser.parse(deepArrays) }
        #expect(throws: TOMLError.self) { try TOMLParser.parse(deepTables) }
    }
}

@Suite("TOML scale")
struct TOMLScaleTests {
    @Test func oneHugeLineStaysFast() throws {
        let text = "a = [" + String(repeating: "1, ", count: 100_000) + "]"
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            let table = try TOMLParser.parse(text)
            #expect(table["a"]?.arrayValue?.count == 100_000)
            #expect(table["a"]?.arrayValue?.last?.position == SourcePosition(line: 1, column: 5 + 3 * 99_999 + 1))
        }
        #expect(elapsed < .seconds(20))
    }
}
