//go:build !unix

package app

import "errors"

func diskSpace(dir string) (free, size uint64, err error) {
	return 0, 0, errors.New("free space is not known on this system")
}
