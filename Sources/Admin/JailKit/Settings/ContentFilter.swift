import FoundationEssentials

/// A settings file that is copied with what ties it to an account taken
/// out. The program keeps the rest of its settings.
public enum ContentFilter: Sendable {
    /// Firefox's and Thunderbird's prefs.js: the sync account
    /// (`services.sync.*`) and the Firefox account (`identity.fxaccounts.*`)
    /// lines are left out.
    case mozillaPrefs
    /// Chromium's Preferences (JSON): the signed-in account, sync and
    /// Google services keys are left out.
    case chromiumPreferences

    static let mozillaPrefixes = ["user_pref(\"services.sync.", "user_pref(\"identity.fxaccounts."]
    static let chromiumKeys: Set<String> = [
        "account_info", "account_tracker_service_last_update", "account_id_migration_state",
        "google", "signin", "sync", "gaia_cookie", "gcm", "invalidation",
    ]

    /// The filtered bytes and how many lines or keys were left out; nil
    /// when the file cannot be read as what it should be (it is then left
    /// behind whole, rather than copied with an account in it).
    public func apply(to bytes: [UInt8]) -> (bytes: [UInt8], removed: Int)? {
        switch self {
        case .mozillaPrefs:
            guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
            var removed = 0
            var kept: [Substring] = []
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                if Self.mozillaPrefixes.contains(where: { trimmed.hasPrefix($0) }) { removed += 1; continue }
                kept.append(line)
            }
            return (Array(kept.joined(separator: "\n").utf8), removed)
        case .chromiumPreferences:
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)),
                  case .object(var object) = value else { return nil }
            let removed = object.keys.filter { Self.chromiumKeys.contains($0) }.count
            for key in Self.chromiumKeys { object[key] = nil }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            guard let data = try? encoder.encode(JSONValue.object(object)) else { return nil }
            return (Array(data), removed)
        }
    }
}

/// Any JSON value, to take keys out of a document and write the rest back.
enum JSONValue: Codable, Sendable {
    case null, bool(Bool), integer(Int64), number(Double), string(String)
    case array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null; return }
        if let b = try? single.decode(Bool.self) { self = .bool(b); return }
        if let i = try? single.decode(Int64.self) { self = .integer(i); return }
        if let d = try? single.decode(Double.self) { self = .number(d); return }
        if let s = try? single.decode(String.self) { self = .string(s); return }
        if let a = try? single.decode([JSONValue].self) { self = .array(a); return }
        self = .object(try single.decode([String: JSONValue].self))
    }

    func encode(to encoder: any Encoder) throws {
        var single = encoder.singleValueContainer()
        switch self {
        case .null: try single.encodeNil()
        case .bool(let b): try single.encode(b)
        case .integer(let i): try single.encode(i)
        case .number(let d): try single.encode(d)
        case .string(let s): try single.encode(s)
        case .array(let a): try single.encode(a)
        case .object(let o): try single.encode(o)
        }
    }
}
