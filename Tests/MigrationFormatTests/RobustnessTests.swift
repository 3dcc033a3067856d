import Foundation
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

    /// Hostile input: nesting 100,000 deep, binary garbage and a 5 MB file give diagnostics, never a crash.
    @Test(arguments: ["yaml", "json"])
    func deepNestingIsAnErrorNotACrash(_ syntax: String) {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let text = syntax == "json" ? "{\"operations\": \(deep)}" : "operations: \(deep)\n"
        let result = decode(text, path: "0001_deep.\(syntax)")
        #expect(result.file == nil)
        #expect(result.diagnostics.contains { $0.message.contains("nesting") }, "\(result.diagnostics.map(\.message))")
    }

    @Test func binaryGarbageIsAnErrorAndAHugeFileStillDecodes() {
        let garbage = Data((0..<4096).map { UInt8(0x80 + $0 % 0x80) })  // never valid UTF-8
        for path in ["0001_bin.yaml", "0001_bin.json", "0001_bin.sql"] {
            let result = MigrationDecoder.decode(data: garbage, path: path)
            #expect(result.file == nil)
            #expect(result.diagnostics.map(\.code) == [.unreadable])
        }
        let huge = "operations:\n  - drop_table:\n      name: t\n# " + String(repeating: "x", count: 5_000_000) + "\n"
        let result = decode(huge, path: "0001_huge.yaml")
        #expect(result.file?.operations.count == 1, "\(result.diagnostics)")
    }

    @Test func multipleDocumentsAreASyntaxError() {
        let result = decode("operations: [{drop_table: {name: a}}]\n---\noperations: []\n")
        #expect(result.diagnostics.map(\.code) == [.syntax])
        #expect(result.diagnostics.first?.line == 2)
    }
}
