package validation

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// cexlOperators are the binary operators of Mixer's expression language;
// "|" picks the first operand that is present.
var cexlOperators = map[token.Token]bool{
	token.EQL: true, token.NEQ: true, token.LSS: true, token.LEQ: true, token.GTR: true, token.GEQ: true,
	token.LAND: true, token.LOR: true, token.OR: true, token.ADD: true,
}

// parseExpression is the syntax-only check used until Mixer's expression
// language is available: CEXL is a subset of Go expressions, so the
// expression must parse as one and use only CEXL's constructs. "$out"
// (the output of an attribute-generating template) is accepted.
func parseExpression(expr string) error {
	src := strings.ReplaceAll(expr, "$", "_dollar_")
	x, err := parser.ParseExpr(src)
	if err != nil {
		var list scanner.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			return fmt.Errorf("syntax error at column %d: %s", list[0].Pos.Column, list[0].Msg)
		}
		return fmt.Errorf("syntax error: %v", err)
	}
	var bad error
	ast.Inspect(x, func(n ast.Node) bool {
		if bad != nil || n == nil {
			return false
		}
		switch t := n.(type) {
		case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr, *ast.ParenExpr:
		case *ast.BasicLit:
			if t.Kind == token.CHAR {
				bad = fmt.Errorf("%s: strings take double quotes", t.Value)
			}
			if t.Kind == token.IMAG {
				bad = fmt.Errorf("%s: imaginary numbers are not supported", t.Value)
			}
		case *ast.BinaryExpr:
			if !cexlOperators[t.Op] {
				bad = fmt.Errorf("operator %q is not supported (use == != < <= > >= && || ! + |)", t.Op)
			}
		case *ast.UnaryExpr:
			if t.Op != token.NOT && t.Op != token.SUB {
				bad = fmt.Errorf("operator %q is not supported (use == != < <= > >= && || ! + |)", t.Op)
			}
		case *ast.CallExpr:
			if t.Ellipsis.IsValid() {
				bad = errors.New("\"...\" is not supported in calls")
			}
			switch t.Fun.(type) {
			case *ast.Ident, *ast.SelectorExpr:
			default:
				bad = errors.New("only functions and methods can be called (e.g. match(request.path, \"/api*\"), \"^/v[12]\".matches(request.path))")
			}
		default:
			bad = fmt.Errorf("%s is not supported in Mixer expressions", describeNode(n))
		}
		return bad == nil
	})
	return bad
}

func describeNode(n ast.Node) string {
	switch n.(type) {
	case *ast.CompositeLit:
		return "a composite literal"
	case *ast.FuncLit:
		return "a function literal"
	case *ast.SliceExpr:
		return "slicing"
	case *ast.TypeAssertExpr:
		return "a type assertion"
	case *ast.StarExpr:
		return "'*'"
	case *ast.KeyValueExpr:
		return "a key: value pair"
	default:
		return fmt.Sprintf("%T", n)
	}
}
