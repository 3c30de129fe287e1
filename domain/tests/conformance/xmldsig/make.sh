#!/usr/bin/env bash
# Signs the synthetic envelope with xmlsec1 (libxmlsec1 over OpenSSL), an implementation
# independent of ours, in the profiles facility signing tools use: each output is what a
# facility would send, and `domain/tests/xml130.rs` verifies it and tampered copies of it.
# Run again only to change the set; the outputs are committed (xmlsec1 need not be installed).
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
source=../../../data/xml130/sample-giamdinhhs-synthetic.xml

openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/C=VN/O=Benh vien Tong hop Mau/CN=01999" \
  -keyout "$work/rsa.key" -out "$work/rsa.crt" 2>/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
  -subj "/C=VN/O=Tram y te Mau/CN=01999" -keyout "$work/ec.key" -out "$work/ec.crt" 2>/dev/null

# template PREFIX C14N SIGNATURE DIGEST [FACILITY]: the envelope, sent by FACILITY (the
# sample's own by default, in the envelope and its inner files), with an empty signature.
template() {
  local p=$1 c14n=$2 sig=$3 digest=$4 facility=${5:-01999} ns
  if [ -n "$p" ]; then ns="xmlns:${p%:}"; else ns="xmlns"; fi
  local signature="<${p}Signature $ns=\"http://www.w3.org/2000/09/xmldsig#\">
   <${p}SignedInfo>
    <${p}CanonicalizationMethod Algorithm=\"$c14n\"/>
    <${p}SignatureMethod Algorithm=\"$sig\"/>
    <${p}Reference URI=\"\">
     <${p}Transforms>
      <${p}Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>
      <${p}Transform Algorithm=\"$c14n\"/>
     </${p}Transforms>
     <${p}DigestMethod Algorithm=\"$digest\"/>
     <${p}DigestValue/>
    </${p}Reference>
   </${p}SignedInfo>
   <${p}SignatureValue/>
   <${p}KeyInfo><${p}X509Data/></${p}KeyInfo>
  </${p}Signature>"
  python3 - "$source" "$signature" "$facility" <<'PY'
import base64, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
facility = sys.argv[3]
def inner(match):
    xml = base64.b64decode(match.group(1)).decode("utf-8").replace("01999", facility)
    return "<NOIDUNGFILE>" + base64.b64encode(xml.encode("utf-8")).decode("ascii") + "</NOIDUNGFILE>"
text = re.sub(r"<NOIDUNGFILE>([^<]*)</NOIDUNGFILE>", inner, text).replace("01999", facility)
print(text.replace("<CHUKYDONVI/>", "<CHUKYDONVI>\n  " + sys.argv[2] + "\n </CHUKYDONVI>"), end="")
PY
}

sign() {
  local out=$1 key=$2
  xmlsec1 --sign --privkey-pem "$work/$key.key,$work/$key.crt" --output "$out" "$work/template.xml"
}

C14N=http://www.w3.org/TR/2001/REC-xml-c14n-20010315
C14N_COMMENTS=http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments
EXC=http://www.w3.org/2001/10/xml-exc-c14n#
DSIG=http://www.w3.org/2000/09/xmldsig#
MORE=http://www.w3.org/2001/04/xmldsig-more#
ENC=http://www.w3.org/2001/04/xmlenc#

template "" "$C14N" "${MORE}rsa-sha256" "${ENC}sha256" > "$work/template.xml"
sign rsa-sha256-c14n.xml rsa
template "ds:" "$EXC" "${DSIG}rsa-sha1" "${DSIG}sha1" > "$work/template.xml"
sign rsa-sha1-exc-c14n.xml rsa
template "" "$C14N_COMMENTS" "${MORE}ecdsa-sha256" "${ENC}sha256" \
  | sed 's|<THONGTINHOSO>|<THONGTINHOSO><!-- ghi chú: bỏ qua khi ký -->|' > "$work/template.xml"
sign ecdsa-sha256-c14n-comments.xml ec
# The same visit sent by Bạch Mai (01929), for the server's end-to-end intake test.
template "" "$C14N" "${MORE}rsa-sha256" "${ENC}sha256" 01929 > "$work/template.xml"
sign bach-mai-rsa-sha256.xml rsa
