package analytics

import (
	"bytes"
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/liveops/liveops/internal/fault"
)

// decodeProps reads custom properties as Plausible does: an object, or a
// JSON string holding one; anything else is no properties. Entries with a
// blank name or a value that is null, blank, a list or an object are left
// out; numbers and booleans are kept as text. Of more than 30, the 30 that
// come last in name order are kept, as Plausible keeps. The only error is
// a name over 300 bytes or a value over 2000.
func decodeProps(v json.RawMessage) (map[string]string, error) {
	if s, ok := str(v); ok {
		v = json.RawMessage(s)
	}
	var m map[string]json.RawMessage
	if len(v) == 0 || json.Unmarshal(v, &m) != nil {
		return nil, nil
	}
	out := make(map[string]string, len(m))
	for k, raw := range m {
		raw = bytes.TrimSpace(raw)
		if strings.TrimLeftFunc(k, unicode.IsSpace) == "" || len(raw) == 0 {
			continue
		}
		var val string
		switch raw[0] {
		case '"':
			if json.Unmarshal(raw, &val) != nil {
				continue
			}
		case 'n', '[', '{':
			continue
		default: // a number, true or false
			val = string(raw)
		}
		if strings.TrimLeftFunc(val, unicode.IsSpace) == "" {
			continue
		}
		out[k] = val
	}
	if len(out) > maxProps {
		keys := make([]string, 0, len(out))
		for k := range out {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys[:len(keys)-maxProps] {
			delete(out, k)
		}
	}
	for k, val := range out {
		if len(k) > maxPropKeyLen || len(val) > maxPropValLen {
			return nil, fault.Invalidf("props", "keys should have at most %d bytes and values %d bytes", maxPropKeyLen, maxPropValLen)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// decodeRevenue reads {"amount": …, "currency": …}, or a JSON string
// holding it. As in Plausible, a revenue that does not parse is left out,
// never refused. The amount is a number, or a string that starts with one
// ("12.50", or "12.50 GBP" read as 12.50); the currency three letters.
func decodeRevenue(v json.RawMessage) *Revenue {
	if s, ok := str(v); ok {
		v = json.RawMessage(s)
	}
	var r struct {
		Amount   json.RawMessage `json:"amount"`
		Currency json.RawMessage `json:"currency"`
	}
	if len(v) == 0 || json.Unmarshal(v, &r) != nil {
		return nil
	}
	cur, _ := str(r.Currency)
	cur = strings.ToUpper(strings.TrimSpace(cur))
	if len(cur) != 3 || strings.Trim(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return nil
	}
	amount, quoted := str(r.Amount)
	if quoted {
		amount = decimalPrefix(strings.TrimSpace(amount))
	} else {
		amount = string(bytes.TrimSpace(r.Amount))
	}
	if f, err := strconv.ParseFloat(amount, 64); err != nil || math.IsInf(f, 0) || len(amount) > 30 {
		return nil
	}
	return &Revenue{Amount: amount, Currency: cur}
}

// decimalPrefix is the longest start of s that is a decimal number, as
// Plausible's Decimal.parse reads "1831d" as 1831.
func decimalPrefix(s string) string {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := func() int {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - j
	}
	n := digits()
	if i < len(s) && s[i] == '.' {
		i++
		n += digits()
	}
	if n == 0 {
		return ""
	}
	end := i
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() > 0 {
			end = i
		}
	}
	return s[:end]
}

// PropsJSON encodes properties with sorted keys, as they are stored.
func PropsJSON(props map[string]string) string {
	if len(props) == 0 {
		return ""
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		vj, _ := json.Marshal(props[k])
		b.Write(kj)
		b.WriteByte(':')
		b.Write(vj)
	}
	b.WriteByte('}')
	return b.String()
}
