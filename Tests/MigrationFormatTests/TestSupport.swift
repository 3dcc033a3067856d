import Foundation
import Testing

@testable import MigrationFormat

/// Decodes `contents` as a file at `path` and returns the result.
func decode(_ contents: String, path: String = "migrations/0001_test.yaml") -> (
    file: MigrationFile?, diagnostics: [Diagnostic]
) {
    MigrationDecoder.decode(contents: contents, path: path)
}

/// Decodes and returns the operations, recording an issue if there are diagnostics.
func operations(
    _ contents: String, path: String = "migrations/0001_test.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> [MigrationFormat.Operation] {
    let result = decode(contents, path: path)
    #expect(result.diagnostics == [], "\(result.diagnostics.map(\.description))", sourceLocation: sourceLocation)
    return result.file?.operations.map(\.operation) ?? []
}

/// A fresh temporary directory, removed by the caller.
func makeTemporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "slipway-format-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func write(_ contents: String, to path: String) throws {
    try contents.write(toFile: path, atomically: true, encoding: .utf8)
}
