package export_wit_world

// A YAML reader for the subset Kubernetes manifests use: documents split by
// `---`, block mappings and sequences by indentation (including `- key: v`
// items), one-line flow collections (`{ path: /health, port: 3000 }`,
// `[a, b]`), plain and quoted scalars, comments. Flow collections spanning
// lines are kept as text; anchors and multi-line scalars are not needed for
// the fields this check reads. Go's standard library has no YAML package
// and a check cannot fetch modules, hence this small one.

import "strings"

// Mapping is a YAML mapping with the 1-based line of each key. A node is a
// *Mapping, a []any or a string.
type Mapping struct {
	Values map[string]any
	Lines  map[string]int
}

// Get follows keys through nested mappings; nil when a step is missing.
func (m *Mapping) Get(keys ...string) any {
	var node any = m
	for _, key := range keys {
		mapping, ok := node.(*Mapping)
		if !ok || mapping == nil {
			return nil
		}
		node = mapping.Values[key]
	}
	return node
}

// String is Get for a scalar ("" when absent or not a scalar).
func (m *Mapping) String(keys ...string) string {
	text, _ := m.Get(keys...).(string)
	return text
}

// Map is Get for a mapping (nil when absent or not a mapping).
func (m *Mapping) Map(keys ...string) *Mapping {
	mapping, _ := m.Get(keys...).(*Mapping)
	return mapping
}

// List is Get for a sequence.
func (m *Mapping) List(keys ...string) []any {
	list, _ := m.Get(keys...).([]any)
	return list
}

type line struct {
	indent int
	text   string
	number int
}

// parseDocuments returns every document of a multi-document stream.
func parseDocuments(source string) []any {
	var documents []any
	var current []line
	flush := func() {
		if len(current) > 0 {
			node, _ := parseBlock(current, 0)
			if node != nil {
				documents = append(documents, node)
			}
		}
		current = nil
	}
	for i, raw := range strings.Split(source, "\n") {
		text := stripComment(strings.TrimRight(raw, " \t\r"))
		if strings.HasPrefix(text, "---") {
			flush()
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		indent := len(text) - len(strings.TrimLeft(text, " "))
		current = append(current, line{indent, strings.TrimSpace(text), i + 1})
	}
	flush()
	return documents
}

// stripComment removes a `#` comment that is not inside quotes.
func stripComment(text string) string {
	quote := byte(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			quote = c
		case quote == 0 && c == '#' && (i == 0 || text[i-1] == ' ' || text[i-1] == '\t'):
			return text[:i]
		}
	}
	return text
}

// parseBlock parses the lines at indentation lines[0].indent into a node and
// returns how many lines it consumed.
func parseBlock(block []line, start int) (any, int) {
	if start >= len(block) {
		return nil, 0
	}
	indent := block[start].indent
	if strings.HasPrefix(block[start].text, "- ") || block[start].text == "-" {
		var list []any
		i := start
		for i < len(block) && block[i].indent == indent && (strings.HasPrefix(block[i].text, "- ") || block[i].text == "-") {
			rest := strings.TrimSpace(strings.TrimPrefix(block[i].text, "-"))
			// The item's own lines: the rest of this one, then those indented deeper.
			end := i + 1
			for end < len(block) && block[end].indent > indent {
				end++
			}
			if rest == "" {
				node, _ := parseBlock(block[i+1:end], 0)
				list = append(list, node)
			} else if key, _, ok := splitKey(rest); ok && key != "" {
				item := []line{{indent + 2, rest, block[i].number}}
				item = append(item, block[i+1:end]...)
				node, _ := parseBlock(item, 0)
				list = append(list, node)
			} else {
				list = append(list, value(rest, block[i].number))
			}
			i = end
		}
		return list, i - start
	}
	mapping := &Mapping{Values: map[string]any{}, Lines: map[string]int{}}
	i := start
	for i < len(block) && block[i].indent == indent {
		key, text, ok := splitKey(block[i].text)
		if !ok {
			i++
			continue
		}
		mapping.Lines[key] = block[i].number
		end := i + 1
		for end < len(block) && (block[end].indent > indent || (block[end].indent == indent && strings.HasPrefix(block[end].text, "- ") && text == "")) {
			end++
		}
		if text == "" && end > i+1 {
			node, _ := parseBlock(block[i+1:end], 0)
			mapping.Values[key] = node
		} else {
			mapping.Values[key] = value(text, block[i].number)
		}
		i = end
	}
	return mapping, i - start
}

// splitKey splits `key: value`; ok is false for a line that is not a key.
func splitKey(text string) (string, string, bool) {
	if strings.HasPrefix(text, "\"") || strings.HasPrefix(text, "'") {
		end := strings.IndexByte(text[1:], text[0])
		if end < 0 {
			return "", "", false
		}
		rest := strings.TrimSpace(text[end+2:])
		if !strings.HasPrefix(rest, ":") {
			return "", "", false
		}
		return text[1 : end+1], strings.TrimSpace(rest[1:]), true
	}
	for i := 0; i < len(text); i++ {
		if text[i] == ':' && (i+1 == len(text) || text[i+1] == ' ') {
			return strings.TrimSpace(text[:i]), strings.TrimSpace(text[i+1:]), true
		}
		if text[i] == '{' || text[i] == '[' || text[i] == '"' || text[i] == '\'' {
			return "", "", false
		}
	}
	return "", "", false
}

// value parses a one-line value: a flow mapping or sequence, or a scalar.
func value(text string, number int) any {
	if len(text) >= 2 && text[0] == '{' && text[len(text)-1] == '}' {
		mapping := &Mapping{Values: map[string]any{}, Lines: map[string]int{}}
		for _, item := range splitFlow(text[1 : len(text)-1]) {
			if key, rest, ok := splitKey(item); ok {
				mapping.Values[key] = value(rest, number)
				mapping.Lines[key] = number
			}
		}
		return mapping
	}
	if len(text) >= 2 && text[0] == '[' && text[len(text)-1] == ']' {
		list := []any{}
		for _, item := range splitFlow(text[1 : len(text)-1]) {
			list = append(list, value(item, number))
		}
		return list
	}
	return scalar(text)
}

// splitFlow splits the inside of a flow collection at its top-level commas.
func splitFlow(text string) []string {
	var items []string
	depth, start := 0, 0
	quote := byte(0)
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
		case c == ',' && depth == 0:
			items = append(items, strings.TrimSpace(text[start:i]))
			start = i + 1
		}
	}
	if last := strings.TrimSpace(text[start:]); last != "" {
		items = append(items, last)
	}
	return items
}

// scalar unquotes a plain or quoted scalar.
func scalar(text string) string {
	if len(text) >= 2 && (text[0] == '"' || text[0] == '\'') && text[len(text)-1] == text[0] {
		return text[1 : len(text)-1]
	}
	return text
}
