/// Short human spellings of durations for messages: `850ms`, `31.2s`, `5m12s`, `1h02m`.
enum DurationFormatting {
    static func short(_ duration: Duration) -> String {
        short(seconds: duration.secondsValue)
    }

    static func short(seconds value: Double) -> String {
        let seconds = max(value, 0)
        if seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds < 60 {
            let tenths = (seconds * 10).rounded() / 10
            if tenths >= 60 { return "1m00s" }
            return tenths == tenths.rounded() ? "\(Int(tenths))s" : "\(tenths)s"
        }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return "\(whole / 60)m\(twoDigits(whole % 60))s" }
        return "\(whole / 3600)h\(twoDigits((whole % 3600) / 60))m"
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
