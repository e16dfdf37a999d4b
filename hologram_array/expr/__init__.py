"""The expression IR: op table, nodes, shape/dtype inference, value-semantics registry."""
