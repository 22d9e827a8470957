//go:build !unix

package journal

import (
	"os"
	"path/filepath"
)

// lockDir only marks the directory where flock(2) does not exist: two
// processes sharing a journal there are not detected.
func lockDir(dir string) (*os.File, error) {
	return os.OpenFile(filepath.Join(dir, "LOCK"), os.O_RDWR|os.O_CREATE, 0o600)
}
