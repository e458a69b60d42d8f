// A minio-go client obtaining credentials with AssumeRoleWithCustomToken, exactly as a Go service would.
//
//	go run main.go <sts-endpoint> <token> <role-arn> [duration-seconds]
//
// It prints the credentials as JSON, or the error and exits 1.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/minio/minio-go/v7/pkg/credentials"
)

func main() {
	if len(os.Args) != 4 && len(os.Args) != 5 {
		fmt.Fprintln(os.Stderr, "usage: minio-go-client <sts-endpoint> <token> <role-arn> [duration-seconds]")
		os.Exit(2)
	}
	var opts []credentials.CustomTokenOpt
	if len(os.Args) == 5 {
		seconds, err := strconv.Atoi(os.Args[4])
		if err != nil {
			fmt.Fprintln(os.Stderr, "duration-seconds must be an integer")
			os.Exit(2)
		}
		opts = append(opts, credentials.CustomTokenValidityOpt(time.Duration(seconds)*time.Second))
	}
	creds, err := credentials.NewCustomTokenCredentials(os.Args[1], os.Args[2], os.Args[3], opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	value, err := creds.Get()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	out, _ := json.Marshal(map[string]string{
		"accessKeyId":     value.AccessKeyID,
		"secretAccessKey": value.SecretAccessKey,
		"sessionToken":    value.SessionToken,
	})
	fmt.Println(string(out))
}
