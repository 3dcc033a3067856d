import Testing

@testable import MigrationFormat

@Suite("The decoder never crashes and always explains")
struct RobustnessTests {
    @Test("Every truncation of every fixture gives a file or an error", arguments: operationFixtures)
    func truncatedFilesAreHandled(_ fixture: OperationFixture) {
        for (text, path) in [(fixture.yaml, "0001.yaml"), (fixture.json, "0001.json")] {
            let scalars = Array(text.unicodeScalars)
            for length in stride(from: 0, to: scalars.count, by: 5) {
                var prefix = String()
                prefix.unicodeScalars.append(contentsOf: scalars[..<length])
                let result = MigrationDecoder.decode(contents: prefix, path: path)
                #expect(
                    (result.file != nil) != result.diagnostics.contains { $0.severity == .error },
                    "\(path) truncated to \(length)")
                #expect(result.diagnostics.allSatisfy { ($0.line ?? 1) >= 1 && ($0.column ?? 1) >= 1 })
            }
        }
    }

    @Test func duplicateKeyThatCannotBeLocatedIsStillReported() {
        // The second `name` is spelt with an escape, so it cannot be found in the text: the duplicate is
        // reported at its first occurrence instead.
        let result = decode(#"{"operations": [{"drop_table": {"name": "a", "\u006eame": "b"}}]}"#, path: "0001.json")
        #expect(result.file == nil)
        #expect(result.diagnostics.map(\.code) == [.duplicateKey])
        #expect(result.diagnostics.first.map { "\($0.line ?? 0):\($0.column ?? 0)" } == "1:33")
    }

    @Test func multipleDocumentsAreASyntaxError() {
        let result = decode("operations: [{drop_table: {name: a}}]\n---\noperations: []\n")
        #expect(result.diagnostics.map(\.code) == [.syntax])
        #expect(result.diagnostics.first?.line == 2)
    }
}
