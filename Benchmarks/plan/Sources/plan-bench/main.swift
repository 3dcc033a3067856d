// plan-bench: times `slipway plan --offline` on a directory of generated, realistic migration files.
//
// Usage: plan-bench generate DIR [COUNT]
//        plan-bench [run [DIR]] [--count N] [--trials N]
//   generate  writes COUNT (default 1000) migration files to DIR and exits
//   run       (default) generates 1,000 files to a temporary directory unless DIR is given, then times:
//             - load:  reading and decoding every file (MigrationDirectory.load)
//             - each:  load + a plan of every file as its own version against the catalog the files before
//                      it build (1,000 plans: the whole history, offline)
//             - last:  `MigrationRunner.planOffline(files: [last])`, what `slipway plan --offline <last file>`
//                      runs: read every file, build the catalog from the first 999, plan the last
import Foundation
import MigrationFormat
import Migrations
import PostgresClient

/// Writes `count` migration files using 14 operation kinds against a growing schema.
func generate(into directory: String, count: Int) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    struct Table {
        var name: String
        var extra: [String] = []  // columns added by earlier files (droppable, renamable)
        var indexes: [String] = []
    }
    var tables: [Table] = []
    var scratch: String?
    func write(_ index: Int, _ slug: String, _ body: String) throws {
        let name = String(format: "%04d_", index) + slug + ".yaml"
        try ("operations:\n" + body).write(toFile: directory + "/" + name, atomically: false, encoding: .utf8)
    }
    for i in 1...count {
        if tables.isEmpty || i % 10 == 1 {
            let name = "t\(tables.count + 1)"
            var body = """
                  - create_table:
                      name: \(name)
                      comment: generated table \(name)
                      columns:
                        - name: id
                          type: bigserial
                          pk: true
                        - name: name
                          type: text
                        - name: status
                          type: text
                          default: "'new'"
                        - name: amount_cents
                          type: bigint
                          default: "0"
                        - name: created_at
                          type: timestamptz
                          default: now()

                """
            if let parent = tables.last {
                body += """
                            - name: parent_id
                              type: bigint
                              nullable: true
                              references:
                                name: \(name)_parent_fk
                                table: \(parent.name)
                                column: id

                    """
            }
            tables.append(Table(name: name))
            try write(i, "create_\(name)", body)
            continue
        }
        if i % 100 == 50 {
            let name = "scratch_\(i)"
            scratch = name
            try write(i, "create_\(name)", "  - create_table:\n      name: \(name)\n      columns:\n        - name: id\n          type: bigint\n          pk: true\n")
            continue
        }
        if i % 100 == 0, let name = scratch {
            try write(i, "drop_\(name)", "  - drop_table:\n      name: \(name)\n")
            scratch = nil
            continue
        }
        let t = (i * 7) % tables.count
        let table = tables[t].name
        switch i % 10 {
        case 2:
            let column = "note_\(i)"
            tables[t].extra.append(column)
            try write(i, "add_\(column)", """
                  - add_column:
                      table: \(table)
                      up: "'n' || id"
                      column:
                        name: \(column)
                        type: text
                        nullable: true
                        comment: generated column

                """)
        case 3:
            let name = "idx_\(table)_\(i)"
            tables[t].indexes.append(name)
            try write(i, "index_\(table)", """
                  - create_index:
                      name: \(name)
                      table: \(table)
                      columns: [status, created_at]
                      predicate: amount_cents > 0

                """)
        case 4:
            try write(i, "default_\(table)", """
                  - alter_column:
                      table: \(table)
                      column: status
                      default: "'pending'"
                      comment: where the row is

                """)
        case 5:
            try write(i, "check_\(table)", """
                  - create_constraint:
                      table: \(table)
                      name: chk_\(table)_\(i)
                      type: check
                      columns: [amount_cents]
                      check: amount_cents >= 0
                      up:
                        amount_cents: amount_cents
                      down:
                        amount_cents: amount_cents

                """)
        case 6 where !tables[t].extra.isEmpty:
            let from = tables[t].extra.removeLast()
            let to = "memo_\(i)"
            tables[t].extra.append(to)
            try write(i, "rename_\(from)", "  - rename_column:\n      table: \(table)\n      from: \(from)\n      to: \(to)\n")
        case 7 where !tables[t].extra.isEmpty:
            let column = tables[t].extra.removeFirst()
            try write(i, "drop_\(column)", "  - drop_column:\n      table: \(table)\n      column: \(column)\n      down: \"NULL\"\n")
        case 8:
            try write(i, "sql_\(table)", """
                  - sql:
                      up: CREATE TABLE IF NOT EXISTS audit_\(i) (id bigint PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())
                      down: DROP TABLE IF EXISTS audit_\(i)

                """)
        case 9:
            try write(i, "replica_\(table)", "  - set_replica_identity:\n      table: \(table)\n      identity:\n        type: FULL\n")
        case 0 where !tables[t].indexes.isEmpty:
            let name = tables[t].indexes.removeFirst()
            try write(i, "drop_\(name)", "  - drop_index:\n      name: \(name)\n")
        default:
            try write(i, "nullable_\(table)", "  - alter_column:\n      table: \(table)\n      column: name\n      nullable: true\n")
        }
    }
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String, default value: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let number = Int(arguments[index + 1]) else { return value }
    return number
}

if arguments.first == "generate" {
    guard arguments.count >= 2 else {
        FileHandle.standardError.write(Data("usage: plan-bench generate DIR [COUNT]\n".utf8))
        exit(64)
    }
    try generate(into: arguments[1], count: arguments.count > 2 ? Int(arguments[2]) ?? 1000 : 1000)
    exit(0)
}

let count = option("--count", default: 1000)
let trials = max(option("--trials", default: 5), 1)
let directory: String
if arguments.count >= 2, arguments[0] == "run", !arguments[1].hasPrefix("--") {
    directory = arguments[1]
} else {
    directory = NSTemporaryDirectory() + "slipway-plan-bench-" + UUID().uuidString
    try generate(into: directory, count: count)
}
let runner = MigrationRunner(connection: ConnectionConfiguration(""), migrationsDirectory: directory)
let clock = ContinuousClock()
var loads: [Double] = []
var eaches: [Double] = []
var lasts: [Double] = []
var steps = 0
var files = 0
for _ in 0..<trials {
    let started = clock.now
    let (loaded, diagnostics) = MigrationDirectory.load(directory)
    loads.append(seconds(clock.now - started))
    if let error = diagnostics.first(where: { $0.severity == .error }) {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        exit(1)
    }
    files = loaded.count
    // Every file planned as its own version against the catalog of the files before it.
    var catalog = OfflineCatalog(schema: "public")
    steps = 0
    var previous: String?
    for file in loaded {
        var withPlaceholders = catalog
        withPlaceholders.addPlaceholders(for: [file])
        let planner = VersionPlanner(schema: "public", tables: withPlaceholders.tables, relations: withPlaceholders.relations)
        do {
            let plan = try planner.plan(files: [file], versionSchema: "public_" + file.versionName, previousVersionSchema: previous)
            steps += plan.start.count + plan.complete.count + plan.rollbackSteps(startCursor: plan.start.count).count
        } catch {
            FileHandle.standardError.write(Data("\(file.path): \(error)\n".utf8))
            exit(1)
        }
        catalog.apply(file)
        previous = "public_" + file.versionName
    }
    eaches.append(seconds(clock.now - started))
    guard let last = loaded.last else { exit(1) }
    let lastStarted = clock.now
    _ = try runner.planOffline(files: [last.path])
    lasts.append(seconds(clock.now - lastStarted))
}
func summary(_ values: [Double]) -> String {
    let sorted = values.sorted()
    return String(format: "min %.3f s, median %.3f s, max %.3f s", sorted.first ?? 0, sorted[sorted.count / 2], sorted.last ?? 0)
}
print("plan-bench: \(files) files in \(directory), \(trials) trials")
print("  load (read + decode \(files) files):           \(summary(loads))")
print("  each (load + \(files) plans, \(steps) steps):   \(summary(eaches))")
print("  last (planOffline of the last file):       \(summary(lasts))")
