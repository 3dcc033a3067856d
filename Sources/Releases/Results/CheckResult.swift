/// The result of `slipway release check`: per-message problems.
public struct CheckResult: ReleaseOutput, Hashable {
    /// One checked message.
    public struct Message: Sendable, Hashable, Codable {
        /// The commit hash, `nil` for a message or PR title given directly.
        public var hash: String?
        /// The header line.
        public var header: String
        /// Problems found; empty when the message is fine.
        public var problems: [String]
    }

    /// Every checked message.
    public var messages: [Message]
    /// Commits skipped (merges, and release commits).
    public var skipped: Int

    /// True when no message has problems.
    public var passed: Bool { messages.allSatisfy { $0.problems.isEmpty } }

    /// Messages with problems.
    public var failures: [Message] { messages.filter { !$0.problems.isEmpty } }

    /// One block per failing message, then a summary line.
    public func renderText() -> String {
        var lines: [String] = []
        for message in failures {
            let label = message.hash.map { String($0.prefix(7)) + " " } ?? ""
            lines.append("✗ \(label)\(message.header)")
            for problem in message.problems { lines.append("    \(problem)") }
        }
        let failed = failures.count
        lines.append(
            failed == 0
                ? "✓ \(messages.count) message\(messages.count == 1 ? "" : "s") follow Conventional Commits"
                : "\(failed) of \(messages.count) message\(messages.count == 1 ? "" : "s") do not follow Conventional Commits")
        return lines.joined(separator: "\n") + "\n"
    }

    enum CodingKeys: String, CodingKey {
        case messages, skipped, passed
    }

    /// Encodes messages, skipped and passed.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(messages, forKey: .messages)
        try container.encode(skipped, forKey: .skipped)
        try container.encode(passed, forKey: .passed)
    }
}
