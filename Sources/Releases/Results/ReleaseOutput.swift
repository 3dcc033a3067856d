import Foundation

/// A result the CLI prints: as human text or as JSON (`--format json`).
public protocol ReleaseOutput: Sendable, Encodable {
    /// Human-readable text, ending in a newline.
    func renderText() -> String
}

extension ReleaseOutput {
    /// Pretty-printed JSON with sorted keys, ending in a newline.
    public func renderJSON() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}\n" }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
