import FuzzDriver
import SQLLint

/// Any text as SQL: tokenizing (strict and lenient), splitting into statements and linting must not crash.
runFuzzer { data, size in
    let text = String(decoding: bytes(data, size), as: UTF8.self)
    let tokenizer = SQLTokenizer()
    _ = try? tokenizer.tokenize(text)
    _ = tokenizer.tokenizeLeniently(text)
    _ = SQLLinter().lint(text, file: "fuzz.sql")
    return 0
}
