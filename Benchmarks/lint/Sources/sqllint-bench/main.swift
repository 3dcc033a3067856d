// sqllint-bench: lints two generated files of 50,000 statements each and, when `squawk` is on PATH
// (or given with --squawk), runs it on the same files for comparison.
//
//   swift run -c release sqllint-bench [--statements N] [--out DIR] [--squawk PATH|none] [--timeout SECONDS]

import Foundation
import SQLLint

struct Options {
    var statements = 50_000
    var outDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("sqllint-bench").path
    var squawk: String? = "squawk"
    var timeout: Double = 300
    var repeats = 3
}

func parseOptions() -> Options {
    var options = Options()
    var arguments = CommandLine.arguments.dropFirst().makeIterator()
    while let argument = arguments.next() {
        switch argument {
        case "--statements": options.statements = arguments.next().flatMap(Int.init) ?? options.statements
        case "--out": options.outDirectory = arguments.next() ?? options.outDirectory
        case "--squawk":
            let value = arguments.next()
            options.squawk = value == "none" ? nil : value
        case "--timeout": options.timeout = arguments.next().flatMap(Double.init) ?? options.timeout
        case "--repeats": options.repeats = arguments.next().flatMap(Int.init) ?? options.repeats
        default:
            FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
            exit(2)
        }
    }
    return options
}

/// Safe statements: the "plain" mix (DDL in its online-safe form, DML with WHERE, a DO block).
func safeStatement(_ i: Int) -> String {
    switch i % 10 {
    case 0: return "CREATE TABLE app_\(i) (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, payload jsonb, created_at timestamptz NOT NULL DEFAULT now());"
    case 1: return "CREATE INDEX CONCURRENTLY users_c\(i)_idx ON users (c\(i));"
    case 2: return "ALTER TABLE users ADD COLUMN c\(i) text;"
    case 3: return "INSERT INTO users (email, name) VALUES ('user\(i)@example.com', 'It''s user \(i); -- not a comment');"
    case 4: return "UPDATE users SET name = 'renamed \(i)' WHERE id = \(i);"
    case 5: return "SELECT id, email FROM users WHERE id = \(i) /* a comment; with a semicolon */;"
    case 6: return "ALTER TABLE orders ADD CONSTRAINT orders_user_fk_\(i) FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"
    case 7: return "ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk_\(i);"
    case 8: return "COMMENT ON TABLE users IS 'comment \(i)';"
    default: return "DO $body$ BEGIN PERFORM pg_sleep(0); RAISE NOTICE 'CREATE INDEX i ON t (c); %', \(i); END $body$;"
    }
}

/// Unsafe statements: each one is a finding.
func unsafeStatement(_ i: Int) -> String {
    switch i % 8 {
    case 0: return "CREATE INDEX users_d\(i)_idx ON users (d\(i));"
    case 1: return "ALTER TABLE users ADD COLUMN token_\(i) uuid DEFAULT gen_random_uuid();"
    case 2: return "ALTER TABLE users ALTER COLUMN c\(i) TYPE bigint;"
    case 3: return "ALTER TABLE orders ADD CONSTRAINT orders_total_check_\(i) CHECK (total >= 0);"
    case 4: return "ALTER TABLE users RENAME COLUMN a\(i) TO b\(i);"
    case 5: return "ALTER TABLE users ALTER COLUMN c\(i) SET NOT NULL;"
    case 6: return "ALTER TABLE orders ADD CONSTRAINT orders_fk_\(i) FOREIGN KEY (user_id) REFERENCES users (id);"
    default: return "ALTER TABLE users ADD COLUMN n\(i) integer NOT NULL;"
    }
}

func generate(statements: Int, unsafeHalf: Bool) -> String {
    var lines = ["SET lock_timeout = '5s';"]
    lines.reserveCapacity(statements + 1)
    for i in 1..<statements {
        if unsafeHalf && i % 2 == 0 {
            lines.append(unsafeStatement(i / 2))
        } else {
            lines.append(safeStatement(i))
        }
    }
    return lines.joined(separator: "\n") + "\n"
}

func seconds(_ duration: Duration) -> Double {
    let (s, attoseconds) = duration.components
    return Double(s) + Double(attoseconds) / 1e18
}

/// Runs squawk on `path`, killing it after `timeout` seconds. Returns the wall time, or nil on timeout.
func runSquawk(_ executable: String, _ path: String, timeout: Double) -> (seconds: Double?, status: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable, path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    let clock = ContinuousClock()
    let start = clock.now
    do { try process.run() } catch { return (nil, "could not start: \(error)") }
    while process.isRunning {
        if seconds(clock.now - start) > timeout {
            process.terminate()
            process.waitUntilExit()
            return (nil, "did not finish in \(Int(timeout)) s")
        }
        usleep(20_000)
    }
    let elapsed = seconds(clock.now - start)
    if process.terminationReason == .uncaughtSignal { return (nil, "crashed (signal \(process.terminationStatus))") }
    return (elapsed, "exit \(process.terminationStatus)")
}

/// Prints a line unbuffered, so progress shows while squawk runs.
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let options = parseOptions()
try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
let files = [
    ("plain", generate(statements: options.statements, unsafeHalf: false)),
    ("half-findings", generate(statements: options.statements, unsafeHalf: true)),
]
let linter = SQLLinter()
emit("sqllint-bench: \(options.statements) statements per file, best of \(options.repeats) runs, files in \(options.outDirectory)")
emit("| file | bytes | statements | findings | slipway lint (s) | squawk (s) |")
emit("|---|---:|---:|---:|---:|---|")
for (name, sql) in files {
    let path = options.outDirectory + "/\(name).sql"
    try sql.write(toFile: path, atomically: true, encoding: .utf8)
    var best = Double.infinity
    var result: LintResult?
    for _ in 0..<max(1, options.repeats) {
        let clock = ContinuousClock()
        let start = clock.now
        // Read + lint, as the CLI does.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let linted = linter.lint(text, file: path)
        best = min(best, seconds(clock.now - start))
        result = linted
    }
    var squawkColumn = "not run"
    if let squawk = options.squawk {
        let outcome = runSquawk(squawk, path, timeout: options.timeout)
        squawkColumn = outcome.seconds.map { String(format: "%.3f (%@)", $0, outcome.status) } ?? outcome.status
    }
    emit("| \(name) | \(sql.utf8.count) | \(result?.statementCount ?? 0) | \(result?.findings.count ?? 0) | \(String(format: "%.3f", best)) | \(squawkColumn) |")
}
