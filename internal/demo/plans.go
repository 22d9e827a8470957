package demo

// intent is what a visitor came to do.
type intent int

const (
	look   intent = iota // read the page they landed on and leave: a bounce
	apply                // start an application and go as far as they go
	renew                // renew a permit
	browse               // read guidance and help, download, follow links out
)

// plan is an intent and the page the visit lands on.
type plan struct {
	intent intent
	entry  string
}

// What visitors come to do, by where they come from, weighted in percent.
// Search brings people with questions to guidance pages; gov.uk's start
// page links to /start; the reminder email links to /renew.
var (
	searchPlans = []weighted[plan]{
		{17, plan{look, "/"}}, {8, plan{look, "/help"}}, {5, plan{look, "/guidance/permit-types"}},
		{5, plan{look, "/guidance/prices"}}, {2, plan{look, "/contact"}}, {1, plan{look, "/accessibility"}},
		{14, plan{apply, "/"}}, {12, plan{apply, "/start"}},
		{4, plan{renew, "/"}}, {7, plan{renew, "/renew"}},
		{7, plan{browse, "/"}}, {10, plan{browse, "/guidance/parking-zones"}}, {4, plan{browse, "/help"}},
		{3, plan{browse, "/guidance/prices"}},
	}
	directPlans = []weighted[plan]{
		{21, plan{look, "/"}}, {8, plan{look, "/help"}}, {3, plan{look, "/contact"}},
		{18, plan{apply, "/"}}, {8, plan{apply, "/start"}},
		{6, plan{renew, "/"}}, {12, plan{renew, "/renew"}},
		{13, plan{browse, "/"}}, {6, plan{browse, "/help"}}, {4, plan{browse, "/guidance/parking-zones"}},
	}
	govukPlans = []weighted[plan]{
		{8, plan{look, "/"}}, {62, plan{apply, "/start"}}, {8, plan{renew, "/renew"}},
		{10, plan{browse, "/guidance/permit-types"}}, {6, plan{browse, "/"}},
	}
	emailPlans = []weighted[plan]{
		{75, plan{renew, "/renew"}}, {10, plan{apply, "/"}},
		{10, plan{browse, "/guidance/prices"}}, {5, plan{browse, "/help"}},
	}
	socialPlans = []weighted[plan]{
		{45, plan{look, "/"}}, {5, plan{look, "/guidance/permit-types"}},
		{25, plan{apply, "/"}}, {5, plan{apply, "/start"}},
		{10, plan{browse, "/"}}, {10, plan{browse, "/guidance/parking-zones"}},
	}
)

// infoPages are what browsing visitors read, weighted in percent.
var infoPages = []weighted[string]{
	{22, "/help"}, {18, "/guidance/parking-zones"}, {16, "/guidance/permit-types"}, {14, "/guidance/prices"},
	{8, "/guidance/blue-badge"}, {12, "/contact"}, {4, "/accessibility"}, {6, "/eligibility"},
}

// outboundLinks are the links out of the service people follow, by the
// page they are on.
var outboundLinks = map[string]string{
	"/help":                  "https://www.gov.uk/parking-fines",
	"/contact":               "https://www.gov.uk/find-local-council",
	"/guidance/blue-badge":   "https://www.gov.uk/apply-blue-badge",
	"/guidance/prices":       "https://www.gov.uk/check-vehicle-tax",
	"/guidance/permit-types": "https://www.gov.uk/government/publications/traffic-signs-manual",
}

// zonesPDF is the path of the map of parking zones people download.
const zonesPDF = "/downloads/parking-zones.pdf"

// The permit types of submitted applications, weighted in percent;
// renewals are mostly residents'.
var (
	newPermits     = []weighted[string]{{68, "resident"}, {17, "business"}, {15, "visitor"}}
	renewedPermits = []weighted[string]{{85, "resident"}, {15, "business"}}
)

// The funnel: the share of visitors on each step who go on to the next.
// From /start: 100 → 80 → 62 → 55 → 51 → 44 → 39 %, fewer on mobile
// at payment, where card forms are fiddly.
const (
	startToEligibility   = 0.80
	eligibilityToDetails = 0.775
	detailsToVehicle     = 0.89
	vehicleToAddress     = 0.92
	addressToPayment     = 0.87
	paymentFails         = 0.05 // "Payment failed"; half of them try again
	renewToPayment       = 0.75
	returnSameDay        = 0.14 // visitors who come back later the same day
	engagementShare      = 0.45 // page views followed by an engagement event
)

// paymentSuccess by device: the share who reach the confirmation.
var paymentSuccess = map[string]float64{"Desktop": 0.95, "Mobile": 0.85, "Tablet": 0.92}
