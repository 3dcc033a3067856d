import Foundation
import FuzzDriver
import MigrationFormat

/// Any bytes as a migration file in each syntax: the decoder must return a file or diagnostics, never crash.
runFuzzer { data, size in
    let input = Data(bytes(data, size))
    for path in ["migrations/0001_fuzz.yaml", "migrations/0001_fuzz.json", "migrations/0001_fuzz.sql"] {
        let (file, diagnostics) = MigrationDecoder.decode(data: input, path: path)
        precondition(file != nil || !diagnostics.isEmpty, "no file and no diagnostic for \(path)")
    }
    return 0
}
