/// An error raised by release management: what went wrong, where, and what to do next.
///
/// Modelled on `FileSystemError` from swift-nio: a ``Code`` (a struct over a private enum, so new codes are
/// not a breaking change), a one-line ``message``, a ``hint`` that says what to do next, and optional
/// context (the git command and its standard error, the file involved).
public struct ReleaseError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. Compare with the `static let` values, e.g. `error.code == .nothingToRelease`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: String, Sendable {
            case nothingToRelease = "nothing_to_release"
            case shallowClone = "shallow_clone"
            case dirtyWorkingTree = "dirty_working_tree"
            case wrongBranch = "wrong_branch"
            case detachedHead = "detached_head"
            case notARepository = "not_a_repository"
            case gitFailed = "git_failed"
            case invalidVersion = "invalid_version"
            case versionNotGreater = "version_not_greater"
            case tagExists = "tag_exists"
            case unknownRelease = "unknown_release"
            case versionFileUnreadable = "version_file_unreadable"
            case versionFileNoMatch = "version_file_no_match"
            case versionFileInvalid = "version_file_invalid"
            case malformedChangelog = "malformed_changelog"
            case templateInvalid = "template_invalid"
            case fileWriteFailed = "file_write_failed"
            case hookFailed = "hook_failed"
            case tagFailed = "tag_failed"
            case pushFailed = "push_failed"
            case commitFailed = "commit_failed"
            case invalidConfiguration = "invalid_configuration"
            case lintFailed = "lint_failed"
        }
        fileprivate let value: Value
        fileprivate init(_ value: Value) { self.value = value }

        /// Releasable commits are missing in the range: not a failure, but nothing to do (exit code 6).
        public static let nothingToRelease = Code(.nothingToRelease)
        /// The repository is a shallow clone; versions computed from it would be wrong.
        public static let shallowClone = Code(.shallowClone)
        /// The working tree has uncommitted changes.
        public static let dirtyWorkingTree = Code(.dirtyWorkingTree)
        /// HEAD is on a branch other than the release branch.
        public static let wrongBranch = Code(.wrongBranch)
        /// HEAD is detached while a release branch is required.
        public static let detachedHead = Code(.detachedHead)
        /// The directory is not inside a git work tree.
        public static let notARepository = Code(.notARepository)
        /// A git command failed; ``ReleaseError/command`` and ``ReleaseError/standardError`` say which and why.
        public static let gitFailed = Code(.gitFailed)
        /// A string is not a valid Semantic Version 2.0.0.
        public static let invalidVersion = Code(.invalidVersion)
        /// An explicit version (`--as`, `Release-As:`) is not greater than the latest release.
        public static let versionNotGreater = Code(.versionNotGreater)
        /// The tag to create already exists.
        public static let tagExists = Code(.tagExists)
        /// `notes VERSION` named a version that has no tag.
        public static let unknownRelease = Code(.unknownRelease)
        /// A configured version file cannot be read.
        public static let versionFileUnreadable = Code(.versionFileUnreadable)
        /// A version file's key, regex or table was not found.
        public static let versionFileNoMatch = Code(.versionFileNoMatch)
        /// A version file's configuration or content is invalid (bad regex, not JSON, ...).
        public static let versionFileInvalid = Code(.versionFileInvalid)
        /// The existing changelog has no structure the new release can be inserted into.
        public static let malformedChangelog = Code(.malformedChangelog)
        /// A custom Mustache template does not parse.
        public static let templateInvalid = Code(.templateInvalid)
        /// Writing a file failed.
        public static let fileWriteFailed = Code(.fileWriteFailed)
        /// A configured hook exited with a non-zero status.
        public static let hookFailed = Code(.hookFailed)
        /// Creating the tag failed; the release commit was undone.
        public static let tagFailed = Code(.tagFailed)
        /// Pushing failed; the tag and the release commit were undone.
        public static let pushFailed = Code(.pushFailed)
        /// Creating the release commit failed; the files were restored.
        public static let commitFailed = Code(.commitFailed)
        /// The release configuration is inconsistent.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// One or more commit messages are not Conventional Commits.
        public static let lintFailed = Code(.lintFailed)

        /// The stable snake_case spelling used in JSON output.
        public var description: String { value.rawValue }

        /// The process exit code a CLI should use, following `docs/exit-codes.md`: 6 "nothing to do"
        /// (nothing to release), 5 "findings" (lint failed), 3 "invalid input" (a version file, changelog,
        /// template or configuration is malformed; nothing was changed), 2 "usage" (a bad `--as`, `--pre` or
        /// `VERSION` argument), 1 every other failure.
        public var suggestedExitCode: Int32 {
            switch value {
            case .nothingToRelease: return 6
            case .lintFailed: return 5
            case .invalidConfiguration, .templateInvalid, .versionFileInvalid, .versionFileNoMatch,
                .versionFileUnreadable, .malformedChangelog:
                return 3
            case .invalidVersion, .versionNotGreater, .unknownRelease: return 2
            default: return 1
            }
        }
    }

    /// The kind of failure.
    public var code: Code
    /// One line saying what went wrong.
    public var message: String
    /// What to do next (may be empty).
    public var hint: String
    /// The git command that failed, when one did (`git log --format=… v1.2.0..HEAD`).
    public var command: String?
    /// The failing command's standard error, trimmed.
    public var standardError: String?
    /// The file involved, when there is one.
    public var path: String?
    /// The underlying error, when there is one.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    public init(
        code: Code, message: String, hint: String = "", command: String? = nil, standardError: String? = nil,
        path: String? = nil, underlying: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.hint = hint
        self.command = command
        self.standardError = standardError
        self.path = path
        self.underlying = underlying
    }

    /// One line: `error[code]: message`.
    public var description: String { "error[\(code)]: \(message)" }

    /// A multi-line explanation for `--verbose`: message, file, command, stderr, underlying error and hint.
    public var detailedDescription: String {
        var lines = [description]
        if let path { lines.append("  file: \(path)") }
        if let command { lines.append("  command: \(command)") }
        if let standardError, !standardError.isEmpty {
            lines.append("  stderr:")
            for line in standardError.split(separator: "\n", omittingEmptySubsequences: false) {
                lines.append("    \(line)")
            }
        }
        if let underlying { lines.append("  cause: \(underlying)") }
        if !hint.isEmpty { lines.append("  hint: \(hint)") }
        return lines.joined(separator: "\n")
    }
}
