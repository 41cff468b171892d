// The demo app of the test cluster: a small web server that makes a preview's
// wiring visible. Its page shows the branch and commit it was deployed from,
// every dependency URL it was given (and what each answers), and a row read
// from its database. It is built offline (GOPATH mode, Debian's lib/pq) into a
// static binary and runs in the image "demo" of the test registry.
//
//	demo [serve]   serve on $PORT, else on 80, 3000 and 8080
//	demo migrate   apply the demo migration to $DATABASE_URL ($DEMO_MIGRATE_FAIL: fail with that message)
//	demo crash     print a message and exit 1 (a container that crashes for real)
//
// It also serves the files of $DEMO_FILES_DIR under /files/ (a seed dump to
// download, say).
package main

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	_ "github.com/lib/pq"
)

func env(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

// Dependencies are the variables holding http(s) URLs (the product injects one
// per wired dependency); database URLs are not http.
func dependencyURLs() map[string]string {
	out := map[string]string{}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if strings.HasSuffix(k, "_URL") && (strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://")) {
			out[k] = v
		}
	}
	return out
}

type dependencyAnswer struct {
	URL    string `json:"url"`
	Status int    `json:"status,omitempty"`
	Body   string `json:"body,omitempty"`
	Error  string `json:"error,omitempty"`
}

// A dependency's answer: its /about document (what this same app serves), so
// the page shows which preview or staging is on the other end.
func ask(url string) dependencyAnswer {
	a := dependencyAnswer{URL: url}
	client := http.Client{Timeout: 2 * time.Second}
	res, err := client.Get(strings.TrimSuffix(url, "/") + "/about")
	if err != nil {
		a.Error = err.Error()
		return a
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
	a.Status = res.StatusCode
	a.Body = strings.TrimSpace(string(body))
	return a
}

func openDB() (*sql.DB, error) {
	url := os.Getenv(env("DEMO_DATABASE_ENV", "DATABASE_URL"))
	if url == "" {
		return nil, nil
	}
	// lib/pq requires TLS unless told otherwise; database servers of a
	// preview (like the official image's) speak plain TCP inside the namespace.
	if !strings.Contains(url, "sslmode=") {
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		url += sep + "sslmode=disable"
	}
	return sql.Open("postgres", url)
}

// The row the page shows: the first row of $DEMO_TABLE (default customers),
// as JSON, so any seed dump can be shown without knowing its columns.
func seededRow(db *sql.DB) (string, error) {
	table := env("DEMO_TABLE", "customers")
	if strings.ContainsAny(table, "\"; ") {
		return "", fmt.Errorf("DEMO_TABLE %q is not a plain table name", table)
	}
	var row string
	err := db.QueryRow(fmt.Sprintf(`SELECT row_to_json(t)::text FROM "%s" t ORDER BY 1 LIMIT 1`, table)).Scan(&row)
	return row, err
}

type about struct {
	Preview string `json:"preview"`
	Branch  string `json:"branch"`
	Commit  string `json:"commit"`
	Host    string `json:"host"`
}

func currentAbout() about {
	return about{Preview: os.Getenv("PREVIEW_NAME"), Branch: os.Getenv("PREVIEW_BRANCH"), Commit: os.Getenv("PREVIEW_COMMIT"), Host: os.Getenv("PREVIEW_HOST")}
}

type page struct {
	about
	Dependencies map[string]dependencyAnswer `json:"dependencies"`
	Row          string                      `json:"row,omitempty"`
	RowError     string                      `json:"rowError,omitempty"`
	Writes       int                         `json:"writes"`
	Migrations   int                         `json:"migrations"`
}

func render(db *sql.DB) page {
	p := page{about: currentAbout(), Dependencies: map[string]dependencyAnswer{}}
	for k, v := range dependencyURLs() {
		p.Dependencies[k] = ask(v)
	}
	if db != nil {
		row, err := seededRow(db)
		if err != nil {
			p.RowError = err.Error()
		}
		p.Row = row
		// Absent tables count as zero rows.
		_ = db.QueryRow(`SELECT count(*) FROM demo_writes`).Scan(&p.Writes)
		_ = db.QueryRow(`SELECT count(*) FROM demo_migrations`).Scan(&p.Migrations)
	}
	return p
}

func writeHTML(w http.ResponseWriter, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	e := html.EscapeString
	fmt.Fprintf(w, "<!doctype html><title>%s</title><h1>Preview %s</h1>\n", e(p.Preview), e(p.Preview))
	fmt.Fprintf(w, "<p>Branch <b id=branch>%s</b>, commit <code id=commit>%s</code></p>\n", e(p.Branch), e(p.Commit))
	names := make([]string, 0, len(p.Dependencies))
	for k := range p.Dependencies {
		names = append(names, k)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "<h2>Dependencies</h2><ul id=dependencies>")
	for _, k := range names {
		a := p.Dependencies[k]
		answer := a.Error
		if answer == "" {
			answer = fmt.Sprintf("%d %s", a.Status, a.Body)
		}
		fmt.Fprintf(w, "<li>%s = %s answers: <span class=answer>%s</span></li>\n", e(k), e(a.URL), e(answer))
	}
	fmt.Fprintln(w, "</ul><h2>Seeded data</h2>")
	if p.RowError != "" {
		fmt.Fprintf(w, "<p id=row-error>%s</p>\n", e(p.RowError))
	} else {
		fmt.Fprintf(w, "<pre id=row>%s</pre><p>%d rows written by the app, %d migrations</p>\n", e(p.Row), p.Writes, p.Migrations)
	}
}

func serve() {
	db, err := openDB()
	if err != nil {
		fmt.Fprintln(os.Stderr, "database:", err)
		os.Exit(1)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		if os.Getenv("DEMO_NEVER_READY") != "" {
			http.Error(w, "configured never to be ready", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("/about", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(currentAbout())
	})
	mux.HandleFunc("/json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(render(db))
	})
	// A row written by the app itself (a reseed must make it go away).
	mux.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || db == nil {
			http.Error(w, "POST, with a database", http.StatusBadRequest)
			return
		}
		_, err := db.Exec(`CREATE TABLE IF NOT EXISTS demo_writes (at timestamptz NOT NULL DEFAULT now()); INSERT INTO demo_writes DEFAULT VALUES`)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "written\n")
	})
	if dir := os.Getenv("DEMO_FILES_DIR"); dir != "" {
		mux.Handle("/files/", http.StripPrefix("/files/", http.FileServer(http.Dir(dir))))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		writeHTML(w, render(db))
	})
	ports := []string{"80", "3000", "8080"}
	if p := os.Getenv("PORT"); p != "" {
		ports = []string{p}
	}
	for _, port := range ports {
		go func(port string) {
			if err := http.ListenAndServe(":"+port, mux); err != nil {
				fmt.Fprintln(os.Stderr, "listen", port, err)
				os.Exit(1)
			}
		}(port)
	}
	fmt.Println("demo serving on", strings.Join(ports, ", "))
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	for s := range signals {
		// A container that ignores SIGTERM holds its pod (and a destroy) until the grace period ends.
		if os.Getenv("DEMO_IGNORE_SIGTERM") != "" && s == syscall.SIGTERM {
			fmt.Println("ignoring SIGTERM")
			continue
		}
		fmt.Println("stopping on", s)
		os.Exit(0)
	}
}

func migrate() {
	if msg := os.Getenv("DEMO_MIGRATE_FAIL"); msg != "" {
		fmt.Fprintln(os.Stderr, "migration failed:", msg)
		os.Exit(1)
	}
	db, err := openDB()
	if err == nil && db == nil {
		err = fmt.Errorf("no database: $%s is empty", env("DEMO_DATABASE_ENV", "DATABASE_URL"))
	}
	if err == nil {
		_, err = db.Exec(`CREATE TABLE IF NOT EXISTS demo_migrations (at timestamptz NOT NULL DEFAULT now()); INSERT INTO demo_migrations DEFAULT VALUES`)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "migration failed:", err)
		os.Exit(1)
	}
	fmt.Println("migrated")
}

func main() {
	cmd := "serve"
	if len(os.Args) > 1 {
		cmd = os.Args[1]
	}
	switch cmd {
	case "serve":
		serve()
	case "migrate":
		migrate()
	case "crash":
		fmt.Fprintln(os.Stderr, "demo crash: exiting with status 1 as asked")
		os.Exit(1)
	default:
		fmt.Fprintf(os.Stderr, "unknown command %q (serve, migrate, crash)\n", cmd)
		os.Exit(2)
	}
}
