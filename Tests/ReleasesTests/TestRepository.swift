import Foundation
@testable import Releases

/// A throwaway git repository under the temporary directory, driven with the `git` executable.
final class TestRepository: @unchecked Sendable {
    let path: String

    static let environment: [String: String] = {
        var env = ProcessInfo.processInfo.environment
        env["GIT_AUTHOR_NAME"] = "Test Author"
        env["GIT_AUTHOR_EMAIL"] = "author@example.invalid"
        env["GIT_COMMITTER_NAME"] = "Test Committer"
        env["GIT_COMMITTER_EMAIL"] = "committer@example.invalid"
        env["GIT_AUTHOR_DATE"] = "2026-01-02T03:04:05Z"
        env["GIT_COMMITTER_DATE"] = "2026-01-02T03:04:05Z"
        env["LC_ALL"] = "C"
        return env
    }()

    init(branch: String = "main", path existing: String? = nil) throws {
        if let existing {
            path = existing
        } else {
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("slipway-release-tests-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try git("-c", "init.defaultBranch=\(branch)", "init", "-q")
            try configure()
        }
    }

    func configure() throws {
        try git("config", "user.name", "Test Committer")
        try git("config", "user.email", "committer@example.invalid")
        try git("config", "commit.gpgsign", "false")
        try git("config", "tag.gpgsign", "false")
    }

    deinit {
        // Only ever delete directories this helper created (never a shared directory such as /tmp).
        guard URL(fileURLWithPath: path).lastPathComponent.hasPrefix("slipway-release-tests-") || URL(fileURLWithPath: path).lastPathComponent.hasPrefix("slipway-shallow-") else { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String { try run(Array(arguments)) }

    @discardableResult
    func run(_ arguments: [String], allowFailure: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=Test Committer", "-c", "user.email=committer@example.invalid",
                             "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: path)
        process.environment = Self.environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errorData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 && !allowFailure {
            throw TestFailure("git \(arguments.joined(separator: " ")) failed: \(String(decoding: errorData, as: UTF8.self))")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Commits `message`, touching a file so the commit is never empty.
    @discardableResult
    func commit(_ message: String, file: String? = nil, contents: String? = nil) throws -> String {
        let name = file ?? "file-\(UUID().uuidString.prefix(8)).txt"
        try write(name, contents ?? UUID().uuidString + "\n")
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
        return try git("rev-parse", "HEAD")
    }

    func write(_ relative: String, _ contents: String) throws {
        let url = URL(fileURLWithPath: path).appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    func read(_ relative: String) -> String? {
        try? String(contentsOfFile: URL(fileURLWithPath: path).appendingPathComponent(relative).path, encoding: .utf8)
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: URL(fileURLWithPath: path).appendingPathComponent(relative).path)
    }

    func tags() throws -> [String] { try git("tag", "-l").split(separator: "\n").map(String.init) }
    func head() throws -> String { try git("rev-parse", "HEAD") }
    func status() throws -> String { try git("status", "--porcelain") }

    func manager(_ configure: (inout ReleaseConfiguration) -> Void = { _ in }, environment: [String: String] = TestRepository.environment) -> ReleaseManager {
        var configuration = ReleaseConfiguration()
        configure(&configuration)
        return ReleaseManager(directory: path, configuration: configuration, environment: environment)
    }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs `body` and returns the ReleaseError it throws (or nil).
func releaseError(_ body: () async throws -> Void) async -> ReleaseError? {
    do {
        try await body()
        return nil
    } catch let error as ReleaseError {
        return error
    } catch {
        return ReleaseError(code: .gitFailed, message: "unexpected \(error)")
    }
}
