/// The git operations release management needs, each one git process.
public struct GitRepository: Sendable {
    /// The underlying runner.
    public var git: Git

    /// Creates a repository wrapper.
    public init(git: Git) { self.git = git }

    /// The record format of ``log(range:path:)``: fields separated by US (0x1F), records by RS (0x1E).
    public static let logFormat = "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI%x1f%B%x1e"

    /// The work tree root (`git rev-parse --show-toplevel`).
    /// - Throws: ``ReleaseError/Code/notARepository`` when the directory is not in a work tree.
    public func topLevel() async throws -> String {
        let output = try await git.runAllowingFailure(["rev-parse", "--show-toplevel"])
        guard output.exitCode == 0 else {
            throw ReleaseError(
                code: .notARepository, message: "\(git.directory) is not inside a git work tree",
                hint: "run inside a git repository (git init, or cd into a clone)",
                command: git.commandLine(["rev-parse", "--show-toplevel"]), standardError: output.standardError)
        }
        return output.text
    }

    /// True for a shallow clone (`git rev-parse --is-shallow-repository`).
    public func isShallow() async throws -> Bool {
        try await git.run(["rev-parse", "--is-shallow-repository"]).text == "true"
    }

    /// The current branch, or `nil` when HEAD is detached (`git symbolic-ref --short -q HEAD`).
    public func currentBranch() async throws -> String? {
        let output = try await git.runAllowingFailure(["symbolic-ref", "--short", "-q", "HEAD"])
        return output.exitCode == 0 ? output.text : nil
    }

    /// The commit HEAD points to, or `nil` in a repository without commits.
    public func head() async throws -> String? {
        let output = try await git.runAllowingFailure(["rev-parse", "--verify", "-q", "HEAD^{commit}"])
        return output.exitCode == 0 ? output.text : nil
    }

    /// Paths with uncommitted changes, including untracked files (`git status --porcelain`).
    public func uncommittedChanges() async throws -> [String] {
        let output = try await git.run(["status", "--porcelain", "--untracked-files=normal"])
        return output.text.split(separator: "\n").map { String($0.dropFirst(3)) }
    }

    /// Tags reachable from HEAD (`git for-each-ref --merged HEAD refs/tags`), annotated tags peeled.
    /// This walks the whole history; prefer ``tags()`` with ``reachable(_:)`` for a few candidates.
    public func reachableTags() async throws -> [GitTag] {
        try await forEachTag(["--merged", "HEAD", "refs/tags"])
    }

    /// All tags (`git for-each-ref refs/tags`), annotated tags peeled. Does not walk history.
    public func tags() async throws -> [GitTag] {
        try await forEachTag(["refs/tags"])
    }

    /// The names of those `candidates` reachable from HEAD (`git for-each-ref --merged HEAD <refs>`): the
    /// walk stops once the candidates are decided, so checking recent tags is cheap on long histories.
    public func reachable(_ candidates: [GitTag]) async throws -> Set<String> {
        guard !candidates.isEmpty else { return [] }
        let found = try await forEachTag(["--merged", "HEAD"] + candidates.map { "refs/tags/\($0.name)" })
        return Set(found.map(\.name))
    }

    private func forEachTag(_ arguments: [String]) async throws -> [GitTag] {
        let output = try await git.run(
            ["for-each-ref", "--format=%(refname:strip=2)%1f%(objecttype)%1f%(objectname)%1f%(*objectname)"] + arguments)
        var tags: [GitTag] = []
        for line in output.text.split(separator: "\n") {
            let fields = line.split(separator: "\u{1F}", omittingEmptySubsequences: false)
            guard fields.count >= 4 else { continue }
            let annotated = fields[1] == "tag"
            let commit = annotated && !fields[3].isEmpty ? fields[3] : fields[2]
            tags.append(GitTag(name: String(fields[0]), commit: String(commit), isAnnotated: annotated))
        }
        return tags
    }

    /// Release tags with `prefix` reachable from HEAD that matter for the next version: every reachable tag
    /// from the highest reachable final release upwards (lower tags cannot change the computation). Checks
    /// candidates newest first in batches, so a long history is not walked.
    public func releaseTags(prefix: String) async throws -> (tags: [VersionedTag], warnings: [String]) {
        let (versioned, warnings) = VersionedTag.select(from: try await tags(), prefix: prefix)
        let descending = Array(versioned.reversed())
        var reachable: [VersionedTag] = []
        var start = 0
        while start < descending.count {
            let finalIndex = descending[start...].firstIndex(where: { !$0.version.isPrerelease }) ?? (descending.count - 1)
            let batch = Array(descending[start...finalIndex])
            let names = try await self.reachable(batch.map(\.tag))
            reachable += batch.filter { names.contains($0.tag.name) }
            if !descending[finalIndex].version.isPrerelease && names.contains(descending[finalIndex].tag.name) { break }
            start = finalIndex + 1
        }
        return (reachable.sorted { $0.version < $1.version }, warnings)
    }

    /// True when `refs/tags/<name>` exists.
    public func tagExists(_ name: String) async throws -> Bool {
        try await git.runAllowingFailure(["rev-parse", "-q", "--verify", "refs/tags/\(name)"]).exitCode == 0
    }

    /// Commits in `range` (newest first), optionally limited to `path`, in one `git log` pass.
    public func log(range: String, path: String? = nil) async throws -> [GitCommit] {
        var arguments = ["log", "--no-color", "--no-show-signature", Self.logFormat, range]
        if let path { arguments += ["--", path] }
        let output = try await git.run(arguments)
        return Self.parseLog(output.standardOutput)
    }

    /// Parses the bytes produced with ``logFormat``.
    public static func parseLog(_ bytes: [UInt8]) -> [GitCommit] {
        var commits: [GitCommit] = []
        commits.reserveCapacity(bytes.count / 200)
        bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            let count = buffer.count
            while start < count {
                while start < count && (buffer[start] == 0x0A || buffer[start] == 0x0D) { start += 1 }
                guard start < count else { break }
                var end = start
                while end < count && buffer[end] != 0x1E { end += 1 }
                // Split the record into six fields on US.
                var fields: [Range<Int>] = []
                var fieldStart = start
                var cursor = start
                while cursor < end && fields.count < 5 {
                    if buffer[cursor] == 0x1F {
                        fields.append(fieldStart..<cursor)
                        fieldStart = cursor + 1
                    }
                    cursor += 1
                }
                fields.append(fieldStart..<end)
                if fields.count == 6 {
                    func string(_ range: Range<Int>) -> String {
                        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
                    }
                    var message = string(fields[5])
                    while message.hasSuffix("\n") { message.removeLast() }
                    let parents = string(fields[1]).split(separator: " ").map(String.init)
                    commits.append(
                        GitCommit(
                            hash: string(fields[0]), parents: parents, authorName: string(fields[2]),
                            authorEmail: string(fields[3]), date: string(fields[4]), message: message))
                }
                start = end + 1
            }
        }
        return commits
    }

    /// The configured URL of `remote` (`remote.<name>.url` as written, before `insteadOf` rewriting), or
    /// `nil` when it is not configured.
    public func remoteURL(_ remote: String) async throws -> String? {
        let output = try await git.runAllowingFailure(["config", "--get", "remote.\(remote).url"])
        return output.exitCode == 0 && !output.text.isEmpty ? output.text : nil
    }

    /// Files added under `directory` between `base` (or the beginning of history) and HEAD.
    public func addedFiles(since base: String?, under directory: String) async throws -> [String] {
        let output: Git.Output
        if let base {
            output = try await git.run(["diff", "--name-only", "-z", "--no-renames", "--diff-filter=A", base, "HEAD", "--", directory])
        } else {
            output = try await git.run(["ls-tree", "-r", "-z", "--name-only", "HEAD", "--", directory])
        }
        return output.standardOutput.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The date of HEAD's committer, `YYYY-MM-DD`.
    public func commitDate(_ revision: String) async throws -> String {
        String(try await git.run(["log", "-1", "--format=%cs", revision]).text)
    }
}
