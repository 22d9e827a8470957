package i18n

// welsh is the Welsh (cy) catalogue, keyed by the English. The wording
// follows GOV.UK's Welsh pages where they say the same thing (the error
// summary, the satisfaction survey's scale).
var welsh = map[string]string{
	// The public pages' layout.
	"Error":                   "Gwall",
	"Skip to main content":    "Neidio i’r prif gynnwys",
	"Language":                "Iaith",
	"Help and contact":        "Help a chysylltu",
	"Privacy notice":          "Hysbysiad preifatrwydd",
	"Accessibility statement": "Datganiad hygyrchedd",
	"Powered by liveops":      "Wedi’i bweru gan liveops",
	"There is a problem":      "Mae problem wedi codi",

	// The satisfaction survey.
	"Give feedback on %s": "Rhoi adborth am %s",
	"Overall, how did you feel about the service you received today?": "Yn gyffredinol, sut oeddech chi’n teimlo am y gwasanaeth a gawsoch heddiw?",
	"Very satisfied":                     "Bodlon iawn",
	"Satisfied":                          "Bodlon",
	"Neither satisfied nor dissatisfied": "Ddim yn fodlon nac yn anfodlon",
	"Dissatisfied":                       "Anfodlon",
	"Very dissatisfied":                  "Anfodlon iawn",
	"How could we improve this service? (optional)": "Sut gallwn ni wella’r gwasanaeth hwn? (dewisol)",
	"Do not include personal information, such as your name, email address or phone number. You can enter up to %s characters.": "Peidiwch â chynnwys gwybodaeth bersonol, fel eich enw, eich cyfeiriad e-bost neu eich rhif ffôn. Gallwch roi hyd at %s o nodau.",
	"Leave this field empty": "Gadewch y maes hwn yn wag",
	"Send feedback":          "Anfon adborth",
	"Select how you felt about the service you received today":                              "Dewiswch sut oeddech chi’n teimlo am y gwasanaeth a gawsoch heddiw",
	"Your answer to “How could we improve this service?” must be 2,000 characters or fewer": "Rhaid i’ch ateb i “Sut gallwn ni wella’r gwasanaeth hwn?” fod yn 2,000 o nodau neu lai",

	// The thank-you pages.
	"Thank you for your feedback":                                               "Diolch am eich adborth",
	"We read every answer and use it to improve %s.":                            "Rydym yn darllen pob ateb ac yn ei ddefnyddio i wella %s.",
	"Go back to %s":                                                             "Yn ôl i %s",
	"You can close this page.":                                                  "Gallwch gau’r dudalen hon.",
	"Go back to the page you were on":                                           "Yn ôl i’r dudalen roeddech arni",
	"You can go back to the page you were on.":                                  "Gallwch fynd yn ôl i’r dudalen roeddech arni.",
	"The team reads all feedback and uses it to improve the service.":           "Mae’r tîm yn darllen pob adborth ac yn ei ddefnyddio i wella’r gwasanaeth.",
	"The team behind %s reads all feedback and uses it to improve the service.": "Mae’r tîm sy’n gyfrifol am %s yn darllen pob adborth ac yn ei ddefnyddio i wella’r gwasanaeth.",
}
