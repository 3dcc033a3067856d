/// Checks messages against Conventional Commits 1.0.0 (`slipway release check`). Pure.
public struct CommitLinter: Sendable {
    /// The configuration (allowed types, maximum header length).
    public var configuration: ReleaseConfiguration

    /// Creates a linter.
    public init(configuration: ReleaseConfiguration) { self.configuration = configuration }

    /// Problems in one message (a commit message or a pull-request title); empty when it is fine.
    public func problems(in message: String) -> [String] {
        let lines = CommitMessageParser.splitLines(message)
        guard let header = lines.first(where: { !$0.allSatisfy(\.isWhitespace) }) else { return ["the message is empty"] }
        var problems: [String] = []
        if CommitMessageParser.isAutosquash(header) {
            return ["'\(header.prefix(8))…' is an autosquash commit; squash it (git rebase -i --autosquash) before merging"]
        }
        if configuration.maxHeaderLength > 0 && header.count > configuration.maxHeaderLength {
            problems.append("the header is \(header.count) characters long; the limit is \(configuration.maxHeaderLength)")
        }
        if CommitMessageParser.gitRevertSubject(header) == nil {
            switch CommitMessageParser.parseHeader(header) {
            case .failure(let problem):
                problems.append("\(problem) — expected 'type(scope)!: description', e.g. 'feat(api): add pagination'")
            case .success(let parsed):
                if configuration.rejectUnknownTypes && configuration.rule(for: parsed.type) == nil {
                    let allowed = configuration.types.map(\.type).joined(separator: ", ")
                    problems.append("unknown type '\(parsed.type)'; allowed: \(allowed)")
                }
            }
        }
        if let headerIndex = lines.firstIndex(of: header), headerIndex + 1 < lines.count,
            !lines[headerIndex + 1].allSatisfy(\.isWhitespace)
        {
            problems.append("a blank line must separate the header from the body")
        }
        for line in lines.dropFirst() {
            let lowered = line.lowercased()
            if (lowered.hasPrefix("breaking change:") || lowered.hasPrefix("breaking-change:"))
                && !(line.hasPrefix("BREAKING CHANGE:") || line.hasPrefix("BREAKING-CHANGE:"))
            {
                problems.append("'\(line.prefix(16))' must be written in upper case: 'BREAKING CHANGE:'")
            }
        }
        return problems
    }

    /// Checks one message or pull-request title.
    public func check(message: String) -> CheckResult {
        let header = CommitMessageParser.splitLines(message).first(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init) ?? ""
        return CheckResult(messages: [.init(hash: nil, header: header, problems: problems(in: message))], skipped: 0)
    }

    /// Checks commits; merge commits are skipped.
    public func check(commits: [GitCommit]) -> CheckResult {
        var messages: [CheckResult.Message] = []
        var skipped = 0
        for commit in commits {
            if commit.isMerge {
                skipped += 1
                continue
            }
            messages.append(.init(hash: commit.hash, header: commit.subject, problems: problems(in: commit.message)))
        }
        return CheckResult(messages: messages, skipped: skipped)
    }
}
