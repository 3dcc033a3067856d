#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Starts child processes with `posix_spawn`, a clean signal mask and default signal dispositions.
///
/// Foundation's `Process` hands children the calling thread's signal mask (under `swift test` SIGCHLD,
/// SIGTERM and SIGINT arrive blocked, so a shell `wait` never returns and SIGTERM does nothing) and leaks
/// pipe descriptors into them. This helper avoids both.
/// Public so tests and tools (pg_dump, hooks) can run programs the same way.
public enum ChildProcess {
    /// A program could not be started or did not finish in time.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Spawns `arguments[0]` (a path) with the given stdin/stdout/stderr descriptors (-1 = /dev/null).
    public static func spawn(
        _ arguments: [String], stdin: Int32 = -1, outputPath: String? = nil, environment: [String: String]? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if stdin >= 0 {
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        if let outputPath {
            posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        }
        return try spawn(arguments, actions: &actions, environment: environment)
    }

    /// Spawns with prepared file actions; a clean signal mask, default dispositions, its own process group.
    static func spawn(
        _ arguments: [String], actions: inout posix_spawn_file_actions_t, environment: [String: String]?
    ) throws -> pid_t {
        guard let executable = arguments.first else { throw Failure(description: "no command given") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptySet = sigset_t()
        sigemptyset(&emptySet)
        posix_spawnattr_setsigmask(&attributes, &emptySet)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // Own process group: a Ctrl-C aimed at the user's command does not reach the child directly;
        // Slipway stops it in order.
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let environmentStrings = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let resolved = executable.contains("/") ? executable : (which(executable) ?? executable)
        let status = withCStrings(arguments) { argv in
            withCStrings(environmentStrings) { envp in
                posix_spawn(&pid, resolved, &actions, &attributes, argv, envp)
            }
        }
        guard status == 0 else {
            throw Failure(description: "could not start \(executable): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Kills a child started by ``spawn(_:stdin:outputPath:environment:)`` together with its whole process group
    /// (it leads its own group), so programs it started in the background (`sleep 600 &`) die with it.
    public static func killGroup(_ pid: pid_t) {
        guard pid > 0 else { return }
        kill(-pid, SIGKILL)
        kill(pid, SIGKILL)
    }

    /// The full path of a program found on `PATH`.
    public static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Polls for the child's exit without blocking a thread; returns its exit status (128+signal if killed).
    public static func waitForExit(_ pid: pid_t, timeout: Duration? = nil) async -> Int32? {
        let start = ContinuousClock.now
        var delay = Duration.milliseconds(2)
        while true {
            if let code = exitStatusIfFinished(pid) { return code }
            if let timeout, ContinuousClock.now - start > timeout { return nil }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .milliseconds(50))
        }
    }

    /// Blocking variant for contexts that cannot await (process exit handlers).
    public static func waitForExitBlocking(_ pid: pid_t, timeout: Duration) -> Int32? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if let code = exitStatusIfFinished(pid) { return code }
            usleep(10_000)
        }
        return nil
    }

    /// Whether the child has ended (reaping it if so).
    public static func hasExited(_ pid: pid_t) -> Bool { exitStatusIfFinished(pid) != nil }

    private static func exitStatusIfFinished(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid {
            let signal = status & 0x7f
            if signal == 0 { return (status >> 8) & 0xff }
            return 128 + signal
        }
        if result < 0 { return -1 }  // not our child any more (already reaped)
        return nil
    }

    /// Runs a command to completion, capturing its combined output in `logPath`.
    public static func run(
        _ arguments: [String], logPath: String, environment: [String: String]? = nil, timeout: Duration = .seconds(120)
    ) async throws
        -> (status: Int32, output: String)
    {
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let pid = try spawn(arguments, outputPath: logPath, environment: environment)
        guard let status = await waitForExit(pid, timeout: timeout) else {
            killGroup(pid)
            _ = await waitForExit(pid, timeout: .seconds(5))
            throw Failure(description: "\(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        let output = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return (status, output)
    }

    private static func withCStrings<R>(
        _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R
    ) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

extension ChildProcess {
    /// The result of ``capture(_:environment:stdinText:timeout:)``.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs a program to completion and returns its exit status, standard output and standard error
    /// (each captured in a temporary file, so large outputs cannot deadlock a pipe).
    public static func capture(
        _ arguments: [String], environment: [String: String]? = nil, stdinText: String? = nil,
        timeout: Duration = .seconds(300)
    ) async throws -> Output {
        let directory = NSTemporaryDirectory() + "slipway-run-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/out"
        let errPath = directory + "/err"
        let inPath = directory + "/in"
        _ = FileManager.default.createFile(atPath: inPath, contents: Data((stdinText ?? "").utf8))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let pid = try spawn(arguments, actions: &actions, environment: environment)
        guard let status = await waitForExit(pid, timeout: timeout) else {
            killGroup(pid)
            _ = await waitForExit(pid, timeout: .seconds(5))
            throw Failure(description: "\(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return Output(status: status, stdout: stdout, stderr: stderr)
    }
}
