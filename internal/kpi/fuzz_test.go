package kpi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/liveops/liveops/internal/catalog"
	"github.com/liveops/liveops/internal/store/storetest"
)

// fuzzSeeds are uploads of both kinds, good and bad, in both formats.
var fuzzSeeds = []string{
	"date,channel,started,completed\n2026-03-01,phone,10,5\n2026-03,paper,1,1\n",
	"date,channel,started,completed\r\n2026-03-01,\"phone\",10,5\r\n",
	"\ufeffDATE, Channel ,started,completed\n2026-03-01,phone,-1,5\n2026-02-30,fax,1.5,x\n",
	"date,channel,started,completed\n2026-03-01,ph\"one,1,1\n\"unterminated\n",
	`[{"date": "2026-03-01", "channel": "phone", "started": 10, "completed": 5}]`,
	`[{"date": "2026-03", "channel": "digital", "started": 1e3, "completed": "5"}, {"x": [1]}, null, 3]`,
	`[{"date": "\u0000", "channel": "phone"}] trailing`,
	"from,to,channel,amount\n2026-01-01,2026-03-31,all,9000.00\n2026-01-01,2026-03-31,all,1\n",
	"from,to,channel,amount\n2026-01-01,2026-03-31,phone,1.005\n2026-04-01,2026-01-01,all,-1\n",
	`[{"from": "2026-01-01", "to": "2026-01-31", "channel": "all", "amount": 12.5}]`,
	"", "[", "{}", "a,b\n1,2,3\n", "date\n" + strings.Repeat("x,", 100),
}

// FuzzParse reads anything as both kinds of upload: never a panic, and
// every problem either about the whole file or on a line of it.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	today := dayOf(date2026)
	f.Fuzz(func(t *testing.T, body string) {
		nLines := strings.Count(body, "\n") + 1
		for _, columns := range [][]string{TransactionColumns, CostColumns} {
			for _, fm := range []Format{FormatAny, FormatCSV, FormatJSON} {
				var ps problems
				recs := readRecords([]byte(body), columns, fm, &ps)
				if len(recs) == 0 && len(ps.list) == 0 {
					t.Fatalf("%q: no rows and no problem", body)
				}
				if columns[0] == "date" {
					var rows []txRow
					for _, rec := range recs {
						if r, ok := checkTransaction(rec, today, &ps); ok {
							if r.completed > r.started || r.started < 0 || r.period.Last < r.period.First || r.channel.index() < 0 {
								t.Fatalf("%q: accepted %+v", body, r)
							}
							rows = append(rows, r)
						}
					}
					checkOverlaps(rows, &ps, txName)
				} else {
					var rows []costRow
					for _, rec := range recs {
						if r, ok := checkCost(rec, "GBP", &ps); ok {
							if r.amount < 0 || r.period.Last < r.period.First {
								t.Fatalf("%q: accepted %+v", body, r)
							}
							rows = append(rows, r)
						}
					}
					checkOverlaps(rows, &ps, costName)
				}
				for _, p := range ps.list {
					if p.Line < 0 || p.Line > nLines || p.Message == "" {
						t.Fatalf("%q: problem %+v (the body has %d lines)", body, p, nLines)
					}
				}
			}
		}
	})
}

var date2026 = dayAt(time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC), time.UTC).date()

// FuzzImport sends anything through the whole upload, store included:
// the answer is a change or an *UploadError (a 400), never another error
// (a 500).
func FuzzImport(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, false)
	}
	db := storetest.SQLite(f)
	cat := catalog.New(db)
	ctx := context.Background()
	svc, err := cat.Create(ctx, catalog.Input{Name: "Fuzz", Domains: []string{"fuzz.example.gov"}})
	if err != nil {
		f.Fatal(err)
	}
	k := New(db, cat, Options{})
	k.Now = func() time.Time { return time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, body string, dryRun bool) {
		for _, imp := range []func() error{
			func() error { _, err := k.ImportTransactions(ctx, svc, []byte(body), FormatAny, dryRun); return err },
			func() error { _, err := k.ImportCosts(ctx, svc, []byte(body), FormatAny, dryRun); return err },
		} {
			var ue *UploadError
			if err := imp(); err != nil && !errors.As(err, &ue) {
				t.Fatalf("%q: %v", body, err)
			}
		}
	})
}
