import Planning
import TinyJSON

extension PlanWarning {
    /// `{"code": "movable-ratio", "message": "…"}`: the code to alert on, the message to read.
    var json: JSONValue { .object([("code", .string(code.rawValue)), ("message", .string(message))]) }
}
