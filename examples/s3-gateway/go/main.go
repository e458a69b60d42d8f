// minio-go against the S3 gateway: credentials from the gateway's STS endpoint with NewCustomTokenCredentials,
// then S3 with them, exactly as a Go service would.
//
//	go run main.go <endpoint> <token> <role-arn> <bucket> <size-bytes> <denied-bucket>
//
// It puts a <size-bytes> object (minio-go streams it with STREAMING-AWS4-HMAC-SHA256-PAYLOAD over plain http),
// reads it back, lists, removes it, tries <denied-bucket>, and uploads once more through a transport that flips one
// byte of the body in transit. It prints what it saw as JSON; it exits 1 on any unexpected error.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

type s3Error struct {
	Code   string `json:"code"`
	Status int    `json:"status"`
}

type result struct {
	PutContentSha256 []string `json:"putContentSha256"`
	PutSize          int64    `json:"putSize"`
	PutETag          string   `json:"putETag"`
	GetSha256        string   `json:"getSha256"`
	StatSize         int64    `json:"statSize"`
	Listed           []string `json:"listed"`
	AfterRemove      s3Error  `json:"afterRemove"`
	Denied           s3Error  `json:"denied"`
	Tampered         s3Error  `json:"tampered"`
}

// recorder notes the x-amz-content-sha256 of each PUT, and flips one byte of PUT bodies when tamper is set.
type recorder struct {
	mu     sync.Mutex
	seen   []string
	tamper bool
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPut {
		r.mu.Lock()
		r.seen = append(r.seen, req.Header.Get("X-Amz-Content-Sha256"))
		r.mu.Unlock()
		if r.tamper && req.Body != nil {
			req.Body = &flipper{ReadCloser: req.Body, at: 100_000}
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

// flipper flips the byte at offset `at` of the stream it reads.
type flipper struct {
	io.ReadCloser
	at, pos int64
}

func (f *flipper) Read(p []byte) (int, error) {
	n, err := f.ReadCloser.Read(p)
	if f.at >= f.pos && f.at < f.pos+int64(n) {
		p[f.at-f.pos] ^= 1
	}
	f.pos += int64(n)
	return n, err
}

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", what, err)
	os.Exit(1)
}

func toS3Error(err error) s3Error {
	if err == nil {
		return s3Error{}
	}
	e := minio.ToErrorResponse(err)
	return s3Error{Code: e.Code, Status: e.StatusCode}
}

func main() {
	if len(os.Args) != 7 {
		fmt.Fprintln(os.Stderr, "usage: s3-gateway-go <endpoint> <token> <role-arn> <bucket> <size-bytes> <denied-bucket>")
		os.Exit(2)
	}
	endpoint, token, roleArn, bucket, denied := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[6]
	size, err := strconv.ParseInt(os.Args[5], 10, 64)
	if err != nil || size <= 0 {
		fmt.Fprintln(os.Stderr, "size-bytes must be a positive integer")
		os.Exit(2)
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		fail("endpoint", err)
	}
	creds, err := credentials.NewCustomTokenCredentials(endpoint, token, roleArn)
	if err != nil {
		fail("credentials", err)
	}
	rec := &recorder{}
	client, err := minio.New(u.Host, &minio.Options{Creds: creds, Secure: false, Region: "us-east-1", Transport: rec})
	if err != nil {
		fail("client", err)
	}
	ctx := context.Background()
	var out result

	data := make([]byte, size)
	for i := range data {
		data[i] = byte(i*31 + i/1024)
	}
	key := "go/object.bin"
	info, err := client.PutObject(ctx, bucket, key, bytes.NewReader(data), size, minio.PutObjectOptions{ContentType: "application/octet-stream"})
	if err != nil {
		fail("PutObject", err)
	}
	out.PutSize, out.PutETag = info.Size, info.ETag

	object, err := client.GetObject(ctx, bucket, key, minio.GetObjectOptions{})
	if err != nil {
		fail("GetObject", err)
	}
	hash := sha256.New()
	if _, err := io.Copy(hash, object); err != nil {
		fail("GetObject read", err)
	}
	out.GetSha256 = hex.EncodeToString(hash.Sum(nil))

	stat, err := client.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
	if err != nil {
		fail("StatObject", err)
	}
	out.StatSize = stat.Size

	out.Listed = []string{}
	for item := range client.ListObjects(ctx, bucket, minio.ListObjectsOptions{Prefix: "go/", Recursive: true}) {
		if item.Err != nil {
			fail("ListObjects", item.Err)
		}
		out.Listed = append(out.Listed, item.Key)
	}

	if err := client.RemoveObject(ctx, bucket, key, minio.RemoveObjectOptions{}); err != nil {
		fail("RemoveObject", err)
	}
	_, err = client.StatObject(ctx, bucket, key, minio.StatObjectOptions{})
	out.AfterRemove = toS3Error(err)

	_, err = client.PutObject(ctx, denied, "x.txt", bytes.NewReader([]byte("x")), 1, minio.PutObjectOptions{})
	out.Denied = toS3Error(err)

	rec.tamper = true
	_, err = client.PutObject(ctx, bucket, "go/tampered.bin", bytes.NewReader(data), size, minio.PutObjectOptions{})
	out.Tampered = toS3Error(err)
	rec.tamper = false

	out.PutContentSha256 = rec.seen
	encoded, _ := json.Marshal(out)
	fmt.Println(string(encoded))
}
