package kpi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/liveops/liveops/internal/kpi"
	"github.com/liveops/liveops/internal/store"
	"github.com/liveops/liveops/internal/store/storetest"
)

// uploadError fails the test unless err is an *UploadError whose problems
// are on exactly these lines (in order, a line once per problem).
func uploadError(t *testing.T, err error, lines ...int) *kpi.UploadError {
	t.Helper()
	var ue *kpi.UploadError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want an UploadError", err)
	}
	var got []int
	for _, p := range ue.Problems {
		got = append(got, p.Line)
	}
	if fmt.Sprint(got) != fmt.Sprint(lines) {
		t.Fatalf("problems on lines %v, want %v:\n%v", got, lines, ue.Problems)
	}
	return ue
}

// problemsText joins an UploadError's problems, for messages.
func problemsText(ue *kpi.UploadError) string {
	var b strings.Builder
	for _, p := range ue.Problems {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

func TestTransactionUploads(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := newHarness(t, db)
		s := hs.service("Uploads", "Europe/London", false)
		stored := `SELECT count(*) FROM kpi_transactions WHERE service_id = $1`

		// Every bad line is listed and nothing is written, good lines included.
		bad := lines("date,channel,started,completed",
			"2026-03-01,phone,10,5",       // 2: good
			"2026-03-02,fax,10,5",         // 3: unknown channel
			"2026-03-03,phone,10,11",      // 4: completed > started
			"2026-03-04,phone,-1,0",       // 5: negative
			"2026-02-30,phone,1,1",        // 6: no such day
			"2026-03-05,phone,1.5,1",      // 7: not whole
			"2026-03-06,phone,5",          // 8: a value short
			"2027-01-01,digital,5,5",      // 9: in the future
			"2026-03-01,phone,10,5",       // 10: repeats line 2
			"2026-03,phone,100,50",        // 11: overlaps line 2 (a month)
			"2026-03-07,,x,",              // 12: three problems
			"2026-03-08,Face_To_Face,1,1", // 13: good (case does not matter)
		)
		_, err := hs.kpi.ImportTransactions(ctx, s, []byte(bad), kpi.FormatCSV, false)
		ue := uploadError(t, err, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 12, 12)
		text := problemsText(ue)
		for _, want := range []string{
			"Line 3: The channel “fax” is not one of digital, assisted_digital, phone, paper, face_to_face or other",
			"Line 4: More were completed (11) than started (10)",
			"Line 5: The number started (-1) is negative",
			"Line 6: The date “2026-02-30” is not a day such as 2026-03-31, nor a month such as 2026-03",
			"Line 7: The number started (“1.5”) is not a whole number",
			"Line 8: This line has 3 values and the header 4",
			"Line 9: The date 2027-01-01 is in the future",
			"Line 10: This repeats line 2: the phone figure on 2026-03-01",
			"Line 11: This overlaps line 2: the phone figure on 2026-03-01",
			"Line 12: The channel “” is not one of",
			"Line 12: The number started (“x”) is not a whole number",
			"Line 12: The number completed is missing",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("problems lack %q:\n%s", want, text)
			}
		}
		if ue.Error() != "The transactions have problems on 10 lines; nothing was saved." {
			t.Errorf("summary %q", ue.Error())
		}
		if n := hs.count(stored, s.ID); n != 0 {
			t.Fatalf("%d rows stored after a bad upload", n)
		}

		// A good upload, then the same again: nothing changes.
		good := lines("date,channel,started,completed", "2026-03-01,phone,10,5", "2026-03,paper,300,280", "2026-03-02,digital,40,30")
		c := hs.transactions(s, good)
		if len(c.Added) != 3 || len(c.Replaced) != 0 || len(c.Unchanged) != 0 {
			t.Fatalf("first upload %+v", c)
		}
		c = hs.transactions(s, good)
		if len(c.Added) != 0 || len(c.Replaced) != 0 || len(c.Unchanged) != 3 {
			t.Fatalf("same upload again %+v", c)
		}
		if n := hs.count(stored, s.ID); n != 3 {
			t.Fatalf("%d rows after uploading twice, want 3", n)
		}
		// A day sent again with other figures replaces it.
		c = hs.transactions(s, lines("date,channel,started,completed", "2026-03-01,phone,12,6", "2026-03-03,phone,1,1"))
		if len(c.Replaced) != 1 || c.Replaced[0].Old != (kpi.TransactionFigure{Date: "2026-03-01", Channel: kpi.Phone, Started: 10, Completed: 5}) ||
			c.Replaced[0].New.Started != 12 || len(c.Added) != 1 {
			t.Fatalf("replacing upload %+v", c)
		}
		r := hs.report(s, "2026-03-01", "2026-03-31", kpi.Monthly)
		if got := r.Counts.Completed[2]; got != 7 {
			t.Errorf("phone completed %v, want 6 + 1", got)
		}

		// Overlaps with what is stored: a day in a stored month, a month
		// over stored days; a dry run of a good upload writes nothing.
		_, err = hs.kpi.ImportTransactions(ctx, s, []byte(lines("date,channel,started,completed", "2026-03-15,paper,1,1", "2026-03,phone,5,5")), kpi.FormatCSV, false)
		ue = uploadError(t, err, 2, 3, 3)
		if text := problemsText(ue); !strings.Contains(text, "Line 2: This overlaps the paper figure for the month 2026-03 already stored") ||
			!strings.Contains(text, "Line 3: This overlaps the phone figure on 2026-03-01 already stored") {
			t.Errorf("problems:\n%s", text)
		}
		c, err = hs.kpi.ImportTransactions(ctx, s, []byte(`[{"date": "2026-04", "channel": "phone", "started": 9, "completed": 9}]`), kpi.FormatAny, true)
		if err != nil || len(c.Added) != 1 || hs.count(stored, s.ID) != 4 {
			t.Fatalf("dry run: %+v, %v, %d rows", c, err, hs.count(stored, s.ID))
		}

		// JSON problems name the line each row starts on.
		body := "[\n  {\"date\": \"2026-04-01\", \"channel\": \"phone\", \"started\": 1, \"completed\": 1},\n" +
			"  {\"date\": \"2026-04-02\", \"channel\": \"phone\", \"started\": \"2\", \"completed\": true},\n" +
			"  {\"date\": \"2026-04-03\",\n   \"channel\": \"post\", \"started\": 1, \"completed\": 1, \"note\": \"x\"}\n]"
		_, err = hs.kpi.ImportTransactions(ctx, s, []byte(body), kpi.FormatJSON, false)
		ue = uploadError(t, err, 3, 4)
		if ue.Problems[0].Message != "completed must be a string or a number" || ue.Problems[1].Field != "note" {
			t.Errorf("JSON problems:\n%s", problemsText(ue))
		}
	})
}

func TestCostUploads(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hs := newHarness(t, db)
		s := hs.service("Costs", "UTC", false)
		_, err := hs.kpi.ImportCosts(ctx, s, []byte(lines("from,to,channel,amount",
			"2026-01-01,2026-03-31,all,9000.00", // 2: good
			"2026-01-01,2026-03-31,phone,£500",  // 3: currency sign
			"2026-02-01,2026-01-01,paper,1",     // 4: backwards
			"2026-01-01,2026-01-31,post,1",      // 5: unknown channel
			"2026-01-01,2026-01-31,paper,1.005", // 6: too precise for GBP
			"2026-01-01,2026-01-31,paper,-4",    // 7: negative
			"2026-03-01,2026-04-30,all,10",      // 8: overlaps line 2
			"2026-04-01,,all,",                  // 9: two missing
		)), kpi.FormatCSV, false)
		ue := uploadError(t, err, 3, 4, 5, 6, 7, 8, 9, 9)
		text := problemsText(ue)
		for _, want := range []string{
			"Line 3: The amount (“£500”) is not a number such as 12500.00, without a currency sign or commas",
			"Line 4: The date to (2026-01-01) is before from (2026-02-01)",
			"Line 5: The channel “post” is not one of digital, assisted_digital, phone, paper, face_to_face, other or all",
			"Line 6: The amount (1.005) has more decimal places than GBP has (2)",
			"Line 7: The amount (-4) is negative",
			"Line 8: This overlaps line 2: the cost of all channels from 2026-01-01 to 2026-03-31",
			"Line 9: The date to is missing",
			"Line 9: The amount is missing",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("problems lack %q:\n%s", want, text)
			}
		}
		if n := hs.count(`SELECT count(*) FROM kpi_costs`); n != 0 {
			t.Fatalf("%d costs stored after a bad upload", n)
		}
		c := hs.costs(s, lines("from,to,channel,amount", "2026-01-01,2026-03-31,all,9000", "2026-01-01,2026-03-31,phone,120.5"))
		if len(c.Added) != 2 || c.Added[1].Amount != "120.50" {
			t.Fatalf("costs added %+v", c.Added)
		}
		c = hs.costs(s, lines("from,to,channel,amount", "2026-01-01,2026-03-31,all,9100"))
		if len(c.Replaced) != 1 || c.Replaced[0].Old.Amount != "9000.00" || c.Replaced[0].New.Amount != "9100.00" {
			t.Fatalf("costs replaced %+v", c.Replaced)
		}
		_, err = hs.kpi.ImportCosts(ctx, s, []byte(lines("from,to,channel,amount", "2026-03-01,2026-06-30,all,1")), kpi.FormatCSV, false)
		ue = uploadError(t, err, 2)
		if !strings.Contains(ue.Problems[0].Message, "overlaps the cost of all channels from 2026-01-01 to 2026-03-31 already stored") {
			t.Errorf("problem %q", ue.Problems[0].Message)
		}
		// The currency cannot change under stored costs (pence would be
		// read as yen).
		set, err := hs.kpi.Settings(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		set.Currency = "JPY"
		if err := hs.kpi.SaveSettings(ctx, s.ID, set); err == nil || !strings.Contains(err.Error(), "costs are stored in GBP") {
			t.Errorf("currency change under costs: %v", err)
		}
		// Amounts are exact in the currency's minor unit: yen have none.
		yen := hs.service("Yen", "UTC", false)
		hs.settings(yen, func(set *kpi.Settings) { set.Currency = "JPY" })
		_, err = hs.kpi.ImportCosts(ctx, yen, []byte(lines("from,to,channel,amount", "2026-04-01,2026-04-30,all,100.5")), kpi.FormatCSV, false)
		uploadError(t, err, 2)
		c = hs.costs(yen, lines("from,to,channel,amount", "2026-04-01,2026-04-30,all,100"))
		if c.Added[0].Amount != "100" {
			t.Errorf("yen amount %q", c.Added[0].Amount)
		}
		var minor int64
		if err := db.QueryRowContext(ctx, `SELECT amount_minor FROM kpi_costs WHERE channel = 'phone'`).Scan(&minor); err != nil || minor != 12050 {
			t.Errorf("phone cost stored as %d (%v), want 12050 pence", minor, err)
		}
	})
}

func TestWholeFileProblems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Files", "UTC", false)
		for _, tc := range []struct {
			name, body string
			f          kpi.Format
			want       string
		}{
			{"empty", "  \n", kpi.FormatAny, "The transactions cannot be read: The file is empty"},
			{"header only", "date,channel,started,completed\n", kpi.FormatCSV, "There are no rows"},
			{"wrong header", "day,channel,started,done\n2026-01-01,phone,1,1\n", kpi.FormatCSV, "The header has an unknown column “day”"},
			{"JSON object", `{"date": "2026-01-01"}`, kpi.FormatAny, "Send a JSON array of rows"},
			{"empty JSON array", `[]`, kpi.FormatJSON, "There are no rows"},
			{"broken JSON", `[{"date": "2026-01-01",`, kpi.FormatJSON, "Row 1 is not valid JSON"},
			{"trailing JSON", `[{"date": "2026-01-01", "channel": "phone", "started": 1, "completed": 1}] []`, kpi.FormatJSON, "There is more after the JSON array"},
			{"bare quote", "date,channel,started,completed\n2026-01-01,ph\"one,1,1\n", kpi.FormatCSV, `bare " in non-quoted-field`},
			{"byte order mark", "\ufeffdate,channel,started,completed\n2026-01-01,phone,1,1,x\n", kpi.FormatCSV, "This line has 5 values and the header 4"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := hs.kpi.ImportTransactions(context.Background(), s, []byte(tc.body), tc.f, false)
				var ue *kpi.UploadError
				if !errors.As(err, &ue) || !strings.Contains(ue.Error()+"\n"+problemsText(ue), tc.want) {
					t.Fatalf("err = %v, want one saying %q", err, tc.want)
				}
			})
		}
	})
}

// TestSubmitNothing: the Go calls refuse an empty list as the upload does.
func TestSubmitNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Empty", "UTC", false)
		ctx := context.Background()
		var ue *kpi.UploadError
		if _, err := hs.kpi.SubmitTransactions(ctx, s, nil, false); !errors.As(err, &ue) {
			t.Errorf("no transactions: %v", err)
		}
		if _, err := hs.kpi.SubmitCosts(ctx, s, nil, false); !errors.As(err, &ue) {
			t.Errorf("no costs: %v", err)
		}
	})
}

// TestSpreadsheetCSV: a trailing comma on every line and empty rows, as
// spreadsheets export them, are read as the figures they hold.
func TestSpreadsheetCSV(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("Sheets", "UTC", false)
		c := hs.transactions(s, "date,channel,started,completed,\r\n2026-03-02,phone,10,9,\r\n,,,,\r\n2026-03-03,phone,8,8\r\n,,,\r\n")
		if len(c.Added) != 2 {
			t.Fatalf("added %+v", c.Added)
		}
	})
}

// TestEveryProblemAtOnce: a row that clashes with stored figures is listed
// with the rows that are wrong in themselves, in one answer.
func TestEveryProblemAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("All at once", "UTC", false)
		ctx := context.Background()
		hs.transactions(s, lines("date,channel,started,completed", "2026-01,phone,100,90"))
		_, err := hs.kpi.ImportTransactions(ctx, s, []byte(lines("date,channel,started,completed",
			"2026-03-05,digital,1,1", "2026-03-05,digital,2,2", "2026-01-15,phone,1,1", "2026-03-06,paper,1,2")), kpi.FormatCSV, false)
		// Line 3 repeats line 2, line 4 is a day of a stored month, line 5
		// completes more than it started.
		uploadError(t, err, 3, 4, 5)
	})
}

// TestMonthNotOver: a month's figures are spread over its days, so a month
// still going on is refused.
func TestMonthNotOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		hs := newHarness(t, db)
		s := hs.service("This month", "UTC", false)
		_, err := hs.kpi.ImportTransactions(context.Background(), s, []byte(lines("date,channel,started,completed",
			"2026-05,phone,10,9", "2026-06,phone,10,9")), kpi.FormatCSV, true) // now is 15 June 2026
		ue := uploadError(t, err, 3)
		if !strings.Contains(ue.Problems[0].Message, "The month 2026-06 is not over yet") {
			t.Errorf("problem %q", ue.Problems[0].Message)
		}
	})
}
