/// Value names visible from enclosing graphs, one set per level, so that entering a subgraph
/// shares the outer graphs' sets instead of copying them (a large graph with many If or Loop
/// nodes would otherwise copy its whole name set once per subgraph).
struct ValueScope {
    private var levels: [Set<String>] = []

    func contains(_ name: String) -> Bool { levels.contains { $0.contains(name) } }

    func adding(_ names: Set<String>) -> ValueScope {
        var scope = self
        scope.levels.append(names)
        return scope
    }
}
