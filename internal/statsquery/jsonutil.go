package statsquery

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// maxInspect bounds how much of a bad value an error message repeats;
// Plausible's messages repeat at most inspectItems items of each list or
// object, as Elixir's inspect does, and so do these.
const (
	maxInspect   = 2000
	inspectItems = 50
)

// typeName names a decoded JSON value's type as JSON Schema validators do.
func typeName(v any) string {
	switch v := v.(type) {
	case nil:
		return "Null"
	case bool:
		return "Boolean"
	case string:
		return "String"
	case json.Number:
		if strings.ContainsAny(v.String(), ".eE") {
			return "Number"
		}
		return "Integer"
	case []any:
		return "Array"
	case map[string]any:
		return "Object"
	}
	return "Unknown"
}

func typeErr(field, want string, got any) error {
	return errf(field, "Type mismatch. Expected %s but got %s.", want, typeName(got))
}

// inspect renders a decoded JSON value for an error message as Plausible's
// messages show it, in Elixir's notation: lists as ["a", 1], objects as
// %{"key" => true}, null as nil.
func inspect(v any) string {
	var b strings.Builder
	writeValue(&b, v)
	s := b.String()
	if len(s) > maxInspect {
		cut := maxInspect
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut-- // keep the message valid UTF-8
		}
		s = s[:cut] + "…"
	}
	return s
}

func writeValue(b *strings.Builder, v any) {
	if b.Len() > maxInspect {
		return
	}
	switch v := v.(type) {
	case nil:
		b.WriteString("nil")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case json.Number:
		b.WriteString(v.String())
	case string:
		b.WriteString(quote(v))
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == inspectItems {
				b.WriteString("...")
				break
			}
			writeValue(b, e)
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteString("%{")
		for i, k := range sortedKeys(v) {
			if i > 0 {
				b.WriteString(", ")
			}
			if i == inspectItems {
				b.WriteString("...")
				break
			}
			b.WriteString(quote(k) + " => ")
			writeValue(b, v[k])
		}
		b.WriteByte('}')
	}
}

// quote is a JSON string literal without HTML escaping.
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// pointerEscape escapes a key for use in a JSON pointer (RFC 6901).
func pointerEscape(k string) string {
	return strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1")
}

func parsePagination(v any) (limit, offset int, err error) {
	limit = DefaultLimit
	if v == nil {
		return limit, 0, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return 0, 0, typeErr("#/pagination", "Object", v)
	}
	var bad errList
	for _, k := range sortedKeys(obj) {
		field := "#/pagination/" + pointerEscape(k)
		switch k {
		case "limit":
			limit, err = intIn(field, obj[k], 1, MaxLimit)
		case "offset":
			offset, err = intIn(field, obj[k], 0, MaxOffset)
		default:
			err = errf(field, "Schema does not allow additional properties.")
		}
		if err != nil {
			bad.add(err)
		}
	}
	if err := bad.err(); err != nil {
		return 0, 0, err
	}
	return limit, offset, nil
}

// intIn reads an integer between lo and hi, in JSON Schema's words.
func intIn(field string, v any, lo, hi int) (int, error) {
	if typeName(v) != "Integer" {
		return 0, typeErr(field, "Integer", v)
	}
	s := v.(json.Number).String()
	n, err := strconv.ParseInt(s, 10, 64)
	switch {
	case (err != nil && strings.HasPrefix(s, "-")) || n < int64(lo):
		return 0, errf(field, "Expected the value to be >= %d", lo)
	case err != nil || n > int64(hi):
		return 0, errf(field, "Expected the value to be <= %d", hi)
	}
	return int(n), nil
}

func itoa(i int) string { return strconv.Itoa(i) }
