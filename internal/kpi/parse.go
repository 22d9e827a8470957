package kpi

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"

	"github.com/liveops/liveops/internal/web"
)

// Limits of one upload: five years of daily figures for every channel fit
// many times over.
const (
	MaxUploadRows  = 50_000
	MaxUploadBytes = 8 << 20
)

// Format is how an upload is written.
type Format int

// The formats of an upload.
const (
	FormatAny  Format = iota // decided from the first character: [ is JSON
	FormatCSV                // a header line, then a row a line
	FormatJSON               // an array of objects
)

// record is one data row of an upload, its values by column name.
type record struct {
	line, row int
	fields    map[string]string
}

// readRecords reads an upload's rows as CSV with a header line naming the
// columns, or as a JSON array of objects with them as fields, and adds a
// problem for every row it cannot read (a wrong number of values, a value
// of the wrong JSON type, an unknown column). A problem with the file as a
// whole (no header, not an array) stops it.
func readRecords(body []byte, columns []string, f Format, ps *problems) []record {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")) // a spreadsheet's UTF-8 byte order mark
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		ps.add(0, 0, "", "The file is empty: give a header line (%s) and a row a line", strings.Join(columns, ","))
		return nil
	}
	if f == FormatAny {
		f = FormatCSV
		if trimmed[0] == '[' || trimmed[0] == '{' {
			f = FormatJSON
		}
	}
	var out []record
	if f == FormatJSON {
		out = readJSON(body, columns, ps)
	} else {
		out = readCSV(body, columns, ps)
	}
	if len(out) == 0 && len(ps.list) == 0 {
		ps.add(0, 0, "", "There are no rows: give a row a line after the header")
	}
	return out
}

// readCSV reads CSV whose header names the columns, in any order.
func readCSV(body []byte, columns []string, ps *problems) []record {
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	header, err := r.Read()
	if err != nil {
		ps.add(1, 0, "", "The header line cannot be read as CSV: %s", csvMessage(err))
		return nil
	}
	index := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if name == "" && i > 0 {
			continue // spreadsheets leave a trailing comma: an empty column
		}
		if !contains(columns, name) {
			ps.add(1, 0, "", "The header has an unknown column “%s”: the columns are %s", clip(h), strings.Join(columns, ","))
			continue
		}
		if _, dup := index[name]; dup {
			ps.add(1, 0, "", "The header names the column %s twice", name)
			continue
		}
		index[name] = i
	}
	for _, c := range columns {
		if _, ok := index[c]; !ok {
			ps.add(1, 0, "", "The header has no column %s: the first line must be %s", c, strings.Join(columns, ","))
		}
	}
	if len(ps.list) > 0 {
		return nil
	}
	// A line may leave off or add empty values at its end, as
	// spreadsheets do, but must reach the last named column.
	needed := 0
	for _, i := range index {
		needed = max(needed, i+1)
	}
	var out []record
	for row := 1; !ps.full(); row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			ps.add(line, row, "", "This line cannot be read as CSV: %s", csvMessage(err))
			continue
		}
		line, _ := r.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // ",,,": a spreadsheet's empty row
		}
		if len(out) >= MaxUploadRows {
			ps.add(line, row, "", "The file has more than %d rows: send it in parts", MaxUploadRows)
			break
		}
		values := rec
		for len(values) > len(header) && strings.TrimSpace(values[len(values)-1]) == "" {
			values = values[:len(values)-1]
		}
		if len(values) > len(header) || len(values) < needed {
			ps.add(line, row, "", "This line has %d values and the header %d: give %s", len(rec), len(header), strings.Join(columns, ","))
			continue
		}
		fields := make(map[string]string, len(columns))
		for name, i := range index {
			fields[name] = strings.TrimSpace(rec[i])
		}
		out = append(out, record{line: line, row: row, fields: fields})
	}
	return out
}

// csvMessage is encoding/csv's error without the position, which the
// problem gives.
func csvMessage(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// readJSON reads an array of objects. A row's line is the line its object
// starts on; numbers are kept as they were written, so that amounts are
// read exactly.
func readJSON(body []byte, columns []string, ps *problems) []record {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('[') {
		ps.add(lineAt(body, 0), 0, "", "Send a JSON array of rows, each an object with %s", strings.Join(columns, ", "))
		return nil
	}
	var out []record
	for row := 1; dec.More() && !ps.full(); row++ {
		line := lineAt(body, dec.InputOffset())
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			ps.add(line, row, "", "Row %d is not valid JSON: %s", row, jsonMessage(err))
			return nil // the decoder cannot find the next row
		}
		if len(out) >= MaxUploadRows {
			ps.add(line, row, "", "The body has more than %d rows: send it in parts", MaxUploadRows)
			return nil
		}
		if rec, ok := jsonRecord(raw, columns, line, row, ps); ok {
			out = append(out, rec)
		}
	}
	if ps.full() {
		return out
	}
	if _, err := dec.Token(); err != nil {
		ps.add(lineAt(body, dec.InputOffset()), 0, "", "The JSON array is not closed: %s", jsonMessage(err))
		return nil
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		ps.add(lineAt(body, dec.InputOffset()), 0, "", "There is more after the JSON array: send one array of rows")
	}
	return out
}

// jsonRecord reads one row object: strings and numbers are values, null a
// missing value, anything else a problem.
func jsonRecord(raw json.RawMessage, columns []string, line, row int, ps *problems) (record, bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		ps.add(line, row, "", "Row %d is not an object with %s", row, strings.Join(columns, ", "))
		return record{}, false
	}
	rec := record{line: line, row: row, fields: make(map[string]string, len(columns))}
	ok := true
	names := make([]string, 0, len(obj))
	for name := range obj {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v := obj[name]
		if !contains(columns, name) {
			ps.add(line, row, name, "Row %d has an unknown field “%s”: the fields are %s", row, clip(name), strings.Join(columns, ", "))
			ok = false
			continue
		}
		var val any
		d := json.NewDecoder(bytes.NewReader(v))
		d.UseNumber()
		if err := d.Decode(&val); err != nil {
			ps.add(line, row, name, "%s cannot be read: %s", name, jsonMessage(err))
			ok = false
			continue
		}
		switch val := val.(type) {
		case nil:
		case string:
			rec.fields[name] = strings.TrimSpace(val)
		case json.Number:
			rec.fields[name] = val.String()
		default:
			ps.add(line, row, name, "%s must be a string or a number", name)
			ok = false
		}
	}
	return rec, ok
}

// jsonMessage is encoding/json's error without its "json: " prefix.
func jsonMessage(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return "the body ends too early"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// lineAt is the line of the first character at or after offset that is not
// space or a comma: where the next JSON value starts.
func lineAt(body []byte, offset int64) int {
	i := int(min(offset, int64(len(body))))
	for i < len(body) && strings.IndexByte(" \t\r\n,", body[i]) >= 0 {
		i++
	}
	return 1 + bytes.Count(body[:i], []byte{'\n'})
}

// checkText refuses values that cannot be stored or shown: bad UTF-8, NUL.
func checkText(rec record, columns []string, ps *problems) bool {
	for _, name := range columns {
		if !web.ValidText(rec.fields[name]) {
			ps.add(rec.line, rec.row, name, "%s contains characters that cannot be read", name)
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool { return slices.Contains(list, s) }
