/// One devicetree node with its raw properties, from either the flattened blob or `/proc/device-tree`.
package struct DevicetreeNode: Sendable, Equatable {
    package var name: String
    package var properties: [String: [UInt8]]
    package var children: [DevicetreeNode]

    package init(name: String, properties: [String: [UInt8]] = [:], children: [DevicetreeNode] = []) {
        self.name = name
        self.properties = properties
        self.children = children
    }

    package func child(named name: String) -> DevicetreeNode? { children.first { $0.name == name } }

    /// A string property without its NUL terminator.
    package func string(_ property: String) -> String? {
        guard let bytes = properties[property] else { return nil }
        return String(decoding: bytes.prefix(while: { $0 != 0 }), as: UTF8.self)
    }

    /// `status` absent, `okay` or `ok` means the node is in use (drivers/of/base.c `__of_device_is_available`).
    package var isEnabled: Bool {
        guard let status = string("status") else { return true }
        return status == "okay" || status == "ok"
    }
}
