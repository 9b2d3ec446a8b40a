/// Expression grammar, from lowest to highest precedence.
extension Parser {
    /// `a, b, *c` -> a tuple when a comma appears.
    mutating func parseTestListStar() throws -> Expr {
        let p = cur.pos
        let first = try parseTestOrStar()
        guard isOpTok(",") else { return first }
        var xs = [first]
        while acceptOp(",") {
            if endsList() { break }
            xs.append(try parseTestOrStar())
        }
        return .tuple(xs, p)
    }

    mutating func parseTestList() throws -> Expr { try parseTestListStar() }

    private func endsList() -> Bool {
        switch cur.kind {
        case .newline, .eof: return true
        case .op(let o): return [")", "]", "}", "=", ";", ":"].contains(o) || (o.hasSuffix("=") && o.count >= 2 && !["==", "<=", ">=", "!="].contains(o))
        default: return false
        }
    }

    mutating func isOpTok(_ o: String) -> Bool { if case .op(let x) = cur.kind { return x == o }; return false }
    mutating func acceptOp(_ o: String) -> Bool { if isOpTok(o) { advance(); return true }; return false }
    mutating func isKwTok(_ w: String) -> Bool { if case .name(let x) = cur.kind { return x == w }; return false }
    mutating func acceptKwTok(_ w: String) -> Bool { if isKwTok(w) { advance(); return true }; return false }
    mutating func expectOp(_ o: String) throws {
        guard acceptOp(o) else { throw error("expected '\(o)', found \(cur.kind.display)") }
    }

    mutating func parseTestOrStar() throws -> Expr {
        if isOpTok("*") {
            let p = cur.pos
            advance()
            return .starred(try parseBitOr(), p)
        }
        return try parseTest()
    }

    mutating func parseExprOrStar() throws -> Expr {
        if isOpTok("*") {
            let p = cur.pos
            advance()
            return .starred(try parseBitOr(), p)
        }
        return try parseBitOr()
    }

    mutating func parseTest() throws -> Expr {
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Parser.maxNesting { throw error("too many nested parentheses, brackets or expressions (limit \(Parser.maxNesting))") }
        if isKwTok("lambda") { return try parseLambda() }
        if isKwTok("yield") { throw error("'yield' is not supported by mrsh") }
        let e = try parseOrTest()
        if acceptKwTok("if") {
            let cond = try parseOrTest()
            guard acceptKwTok("else") else { throw error("expected 'else' after 'if' expression") }
            return .ifExp(cond, e, try parseTest())
        }
        if isOpTok(":=") { throw error("the walrus operator ':=' is not supported by mrsh") }
        return e
    }

    private mutating func parseLambda() throws -> Expr {
        let p = cur.pos
        advance()
        let params = try parseLambdaParams()
        try expectOp(":")
        let body = try parseTest()
        let f = FuncDef(name: "<lambda>", params: params, body: [.returnValue(body, body.pos)], pos: p, isLambda: true)
        return .lambda(f)
    }

    mutating func parseOrTest() throws -> Expr {
        var e = try parseAndTest()
        var chain = 0
        while acceptKwTok("or") {
            chain += 1
            if chain > Parser.maxChain { throw error("expression too long: more than \(Parser.maxChain) 'or' in a row") }
            e = .or(e, try parseAndTest())
        }
        return e
    }

    private mutating func parseAndTest() throws -> Expr {
        var e = try parseNotTest()
        var chain = 0
        while acceptKwTok("and") {
            chain += 1
            if chain > Parser.maxChain { throw error("expression too long: more than \(Parser.maxChain) 'and' in a row") }
            e = .and(e, try parseNotTest())
        }
        return e
    }

    private mutating func parseNotTest() throws -> Expr {
        if acceptKwTok("not") {
            nesting += 1
            defer { nesting -= 1 }
            if nesting > Parser.maxNesting { throw error("too many nested 'not' (limit \(Parser.maxNesting))") }
            return .not(try parseNotTest())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> Expr {
        let first = try parseBitOr()
        var ops: [CmpOp] = []
        var rest: [Expr] = []
        var p = Pos.none
        while true {
            let opPos = cur.pos
            var op: CmpOp? = nil
            switch cur.kind {
            case .op(let o): op = CmpOp(rawValue: o); if op != nil { advance() }
            case .name("in"): advance(); op = .isIn
            case .name("is"): advance(); op = acceptKwTok("not") ? .isNot : .isSame
            case .name("not"):
                if peekIsKw("in") { advance(); advance(); op = .notIn }
            default: break
            }
            guard let o = op else { break }
            if ops.isEmpty { p = opPos }
            ops.append(o)
            rest.append(try parseBitOr())
        }
        return ops.isEmpty ? first : .compare(first, ops, rest, p)
    }

    private mutating func binaryLevel(_ ops: [String], _ next: (inout Parser) throws -> Expr) throws -> Expr {
        var e = try next(&self)
        var chain = 0
        while case .op(let o) = cur.kind, ops.contains(o) {
            let p = cur.pos
            chain += 1
            if chain > Parser.maxChain { throw error("expression too long: more than \(Parser.maxChain) operators in a row", at: p) }
            advance()
            e = .binary(BinOp(rawValue: o)!, e, try next(&self), p)
        }
        return e
    }

    mutating func parseBitOr() throws -> Expr { try binaryLevel(["|"]) { try $0.parseXor() } }
    private mutating func parseXor() throws -> Expr { try binaryLevel(["^"]) { try $0.parseBitAnd() } }
    private mutating func parseBitAnd() throws -> Expr { try binaryLevel(["&"]) { try $0.parseShift() } }
    private mutating func parseShift() throws -> Expr { try binaryLevel(["<<", ">>"]) { try $0.parseArith() } }
    private mutating func parseArith() throws -> Expr { try binaryLevel(["+", "-"]) { try $0.parseTerm() } }
    private mutating func parseTerm() throws -> Expr { try binaryLevel(["*", "/", "//", "%", "@"]) { try $0.parseFactor() } }

    private mutating func parseFactor() throws -> Expr {
        if case .op(let o) = cur.kind, let u = UnaryOp(rawValue: o) {
            nesting += 1
            defer { nesting -= 1 }
            if nesting > Parser.maxNesting { throw error("too many nested unary operators (limit \(Parser.maxNesting))") }
            let p = cur.pos
            advance()
            let operand = try parseFactor()
            if u == .neg, case .constant(.int(let v)) = operand { return .constant(.int(-v)) }
            if u == .neg, case .constant(.float(let v)) = operand { return .constant(.float(-v)) }
            return .unary(u, operand, p)
        }
        return try parsePower()
    }

    private mutating func parsePower() throws -> Expr {
        if isKwTok("await") { throw error("'await' is not supported by mrsh") }
        let base = try parsePrimary()
        if isOpTok("**") {
            let p = cur.pos
            advance()
            return .binary(.pow, base, try parseFactor(), p)
        }
        return base
    }

    private mutating func parsePrimary() throws -> Expr {
        var e = try parseAtom()
        while true {
            let p = cur.pos
            if acceptOp("(") {
                e = .call(e, try parseCallArgs(), p)
                try expectOp(")")
            } else if acceptOp("[") {
                e = .subscr(e, try parseSubscriptList(), p)
                try expectOp("]")
            } else if acceptOp(".") {
                guard case .name(let n) = cur.kind, !pythonKeywords.contains(n) else {
                    throw error("expected an attribute name after '.'")
                }
                advance()
                e = .attr(e, n, p)
            } else {
                return e
            }
        }
    }

    private mutating func parseCallArgs() throws -> [Arg] {
        var args: [Arg] = []
        var sawKeyword = false
        while !isOpTok(")") {
            let ap = cur.pos
            if acceptOp("**") {
                args.append(.starStar(try parseTest()))
                sawKeyword = true
            } else if acceptOp("*") {
                args.append(.star(try parseTest()))
            } else if case .name(let n) = cur.kind, peekIsOp("=") {
                advance(); advance()
                args.append(.keyword(n, try parseTest()))
                sawKeyword = true
            } else {
                let e = try parseTest()
                if isKwTok("for") {
                    args.append(.positional(.comprehension(try parseComprehension(.generator, e, nil, ap))))
                } else {
                    if sawKeyword { throw error("positional argument follows keyword argument", at: ap) }
                    args.append(.positional(e))
                }
            }
            if !acceptOp(",") { break }
        }
        return args
    }

    private mutating func parseSubscriptList() throws -> Expr {
        let p = cur.pos
        let first = try parseSubscriptItem()
        guard isOpTok(",") else { return first }
        var xs = [first]
        while acceptOp(",") {
            if isOpTok("]") { break }
            xs.append(try parseSubscriptItem())
        }
        return .tuple(xs, p)
    }

    private mutating func parseSubscriptItem() throws -> Expr {
        var lo: Expr? = nil
        if !isOpTok(":") { lo = try parseTestOrStar(); if !isOpTok(":") { return lo! } }
        advance()
        var hi: Expr? = nil
        var step: Expr? = nil
        if !isOpTok(":") && !isOpTok("]") && !isOpTok(",") { hi = try parseTest() }
        if acceptOp(":") {
            if !isOpTok("]") && !isOpTok(",") { step = try parseTest() }
        }
        return .slice(lo, hi, step)
    }

    private mutating func parseAtom() throws -> Expr {
        let t = cur
        switch t.kind {
        case .int(let v): advance(); return .constant(.int(v))
        case .float(let v): advance(); return .constant(.float(v))
        case .string, .fstring: return try parseStrings()
        case .name(let n):
            switch n {
            case "True": advance(); return .constant(.bool(true))
            case "False": advance(); return .constant(.bool(false))
            case "None": advance(); return .constant(.none)
            case "yield", "await", "async": throw error("'\(n)' is not supported by mrsh")
            default:
                if pythonKeywords.contains(n) { throw error("invalid syntax: unexpected keyword '\(n)'") }
                advance()
                return .name(NameRef(n, t.pos))
            }
        case .op("("):
            advance()
            if acceptOp(")") { return .tuple([], t.pos) }
            if isKwTok("yield") { throw error("'yield' is not supported by mrsh") }
            let first = try parseTestOrStar()
            if isKwTok("for") {
                let c = try parseComprehension(.generator, first, nil, t.pos)
                try expectOp(")")
                return .comprehension(c)
            }
            if acceptOp(")") {
                if case .starred(_, let sp) = first { throw error("cannot use starred expression here", at: sp) }
                return first
            }
            var xs = [first]
            while acceptOp(",") {
                if isOpTok(")") { break }
                xs.append(try parseTestOrStar())
            }
            try expectOp(")")
            return .tuple(xs, t.pos)
        case .op("["):
            advance()
            if acceptOp("]") { return .list([], t.pos) }
            let first = try parseTestOrStar()
            if isKwTok("for") {
                let c = try parseComprehension(.list, first, nil, t.pos)
                try expectOp("]")
                return .comprehension(c)
            }
            var xs = [first]
            while acceptOp(",") {
                if isOpTok("]") { break }
                xs.append(try parseTestOrStar())
            }
            try expectOp("]")
            return .list(xs, t.pos)
        case .op("{"):
            advance()
            return try parseBraces(t.pos)
        case .op("..."):
            advance()
            return .constant(.ellipsis)
        case .op("@"):
            throw error("decorators are not supported by mrsh")
        default:
            throw error("invalid syntax: unexpected \(t.kind.display)")
        }
    }

    private mutating func parseBraces(_ p: Pos) throws -> Expr {
        if acceptOp("}") { return .dict([], p) }
        if acceptOp("**") {
            var items: [DictItem] = [.unpack(try parseBitOr())]
            try parseDictRest(&items)
            return .dict(items, p)
        }
        let first = try parseTestOrStar()
        if acceptOp(":") {
            let v = try parseTest()
            if isKwTok("for") {
                let c = try parseComprehension(.dict, first, v, p)
                try expectOp("}")
                return .comprehension(c)
            }
            var items: [DictItem] = [.pair(first, v)]
            try parseDictRest(&items)
            return .dict(items, p)
        }
        if isKwTok("for") {
            let c = try parseComprehension(.set, first, nil, p)
            try expectOp("}")
            return .comprehension(c)
        }
        var xs = [first]
        while acceptOp(",") {
            if isOpTok("}") { break }
            xs.append(try parseTestOrStar())
        }
        try expectOp("}")
        return .set(xs, p)
    }

    private mutating func parseDictRest(_ items: inout [DictItem]) throws {
        while acceptOp(",") {
            if isOpTok("}") { break }
            if acceptOp("**") { items.append(.unpack(try parseBitOr())); continue }
            let k = try parseTest()
            try expectOp(":")
            items.append(.pair(k, try parseTest()))
        }
        try expectOp("}")
    }

    private mutating func parseComprehension(_ kind: Comprehension.Kind, _ elt: Expr, _ value: Expr?, _ p: Pos) throws -> Comprehension {
        var clauses: [CompClause] = []
        while acceptKwTok("for") {
            let tp = cur.pos
            var xs = [try parseExprOrStar()]
            var comma = false
            while acceptOp(",") {
                comma = true
                if isKwTok("in") { break }
                xs.append(try parseExprOrStar())
            }
            let target: Expr = comma ? .tuple(xs, tp) : xs[0]
            guard acceptKwTok("in") else { throw error("expected 'in' in comprehension") }
            let iter = try parseOrTest()
            var conds: [Expr] = []
            while acceptKwTok("if") { conds.append(try parseOrTestOrLambda()) }
            clauses.append(CompClause(target: target, iter: iter, conditions: conds))
        }
        if isKwTok("async") { throw error("'async' is not supported by mrsh") }
        return Comprehension(kind: kind, element: elt, value: value, clauses: clauses, pos: p)
    }

    private mutating func parseOrTestOrLambda() throws -> Expr {
        if isKwTok("lambda") { return try parseLambda() }
        return try parseOrTest()
    }

    /// Adjacent string literals concatenate; any f-string among them makes the result an f-string.
    private mutating func parseStrings() throws -> Expr {
        let p = cur.pos
        var parts: [FPart] = []
        var isF = false
        var plain = ""
        while true {
            switch cur.kind {
            case .string(let s):
                plain += s
                parts.append(.literal(s))
                advance()
                continue
            case .fstring(let fs):
                isF = true
                for part in fs { parts.append(try convertFPart(part)) }
                advance()
                continue
            default: break
            }
            break
        }
        return isF ? .fstring(parts, p) : .constant(.str(plain))
    }

    private func convertFPart(_ part: FStringPart) throws -> FPart {
        switch part {
        case .literal(let s): return .literal(s)
        case let .field(src, pos, conv, spec):
            let e = try Parser.parseExpression(src, file: file, at: pos)
            return .field(e, conv, try spec.map { try $0.map(convertFPart) })
        }
    }

    private mutating func parseLambdaParams() throws -> [Param] {
        var params: [Param] = []
        var seenStar = false
        while !isOpTok(":") {
            let pp = cur.pos
            if acceptOp("**") {
                params.append(Param(name: try identifierTok(), kind: .varKw, defaultValue: nil, pos: pp))
                _ = acceptOp(",")
                break
            }
            if acceptOp("*") {
                seenStar = true
                if acceptOp(",") { continue }
                params.append(Param(name: try identifierTok(), kind: .varArgs, defaultValue: nil, pos: pp))
            } else {
                let n = try identifierTok()
                let d: Expr? = acceptOp("=") ? try parseTest() : nil
                params.append(Param(name: n, kind: seenStar ? .kwOnly : .normal, defaultValue: d, pos: pp))
            }
            if !acceptOp(",") { break }
        }
        return params
    }

    private mutating func identifierTok() throws -> String {
        guard case .name(let n) = cur.kind, !pythonKeywords.contains(n) else {
            throw error("expected a name, found \(cur.kind.display)")
        }
        advance()
        return n
    }
}
