/// One devicetree node with its raw properties, from either the flattened blob or `/proc/device-tree`.
public struct DevicetreeNode: Sendable, Equatable {
    public var name: String
    public var properties: [String: [UInt8]]
    public var children: [DevicetreeNode]

    public init(name: String, properties: [String: [UInt8]] = [:], children: [DevicetreeNode] = []) {
        self.name = name
        self.properties = properties
        self.children = children
    }

    public func child(named name: String) -> DevicetreeNode? { children.first { $0.name == name } }

    /// A string property without its NUL terminator.
    public func string(_ property: String) -> String? {
        guard let bytes = properties[property] else { return nil }
        return String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
    }

    /// `status` absent, `okay` or `ok` means the node is in use (drivers/of/base.c `__of_device_is_available`).
    public var isEnabled: Bool {
        guard let status = string("status") else { return true }
        return status == "okay" || status == "ok"
    }
}
