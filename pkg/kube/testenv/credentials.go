package testenv

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// credentials are the files kube-apiserver is started with, and what a
// client needs to reach it as cluster admin.
type credentials struct {
	servingCertFile string
	servingKeyFile  string
	caPEM           []byte // the serving certificate, self-signed

	saKeyFile    string // RSA private key signing service-account tokens
	saPubKeyFile string

	tokenFile  string // static token file: one admin in system:masters
	adminToken string
}

// writeCredentials creates fresh credentials in dir.
func writeCredentials(dir string) (*credentials, error) {
	c := &credentials{
		servingCertFile: filepath.Join(dir, "serving.crt"),
		servingKeyFile:  filepath.Join(dir, "serving.key"),
		saKeyFile:       filepath.Join(dir, "service-account.key"),
		saPubKeyFile:    filepath.Join(dir, "service-account.pub"),
		tokenFile:       filepath.Join(dir, "tokens.csv"),
	}
	if err := c.writeServingCert(); err != nil {
		return nil, fmt.Errorf("serving certificate: %w", err)
	}
	if err := c.writeServiceAccountKey(); err != nil {
		return nil, fmt.Errorf("service-account key: %w", err)
	}
	if err := c.writeTokenFile(); err != nil {
		return nil, fmt.Errorf("admin token: %w", err)
	}
	return c, nil
}

// writeServingCert makes a self-signed certificate for 127.0.0.1 and
// localhost that clients trust directly.
func (c *credentials) writeServingCert() error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "sail-testenv-apiserver"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	c.caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(c.servingCertFile, c.caPEM, 0o600); err != nil {
		return err
	}
	return writePEM(c.servingKeyFile, "PRIVATE KEY", keyDER)
}

func (c *credentials) writeServiceAccountKey() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	if err := writePEM(c.saKeyFile, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key)); err != nil {
		return err
	}
	return writePEM(c.saPubKeyFile, "PUBLIC KEY", pubDER)
}

func (c *credentials) writeTokenFile() error {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	c.adminToken = hex.EncodeToString(b)
	// token,user,uid,"group1,group2"
	line := fmt.Sprintf("%s,sail-testenv-admin,sail-testenv-admin,\"system:masters\"\n", c.adminToken)
	return os.WriteFile(c.tokenFile, []byte(line), 0o600)
}

func writePEM(path, blockType string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: blockType, Bytes: der}), 0o600)
}
