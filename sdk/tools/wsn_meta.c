/* wsn-wasm-meta: embeds a rule module's metadata file as the `wsn.meta` custom section.
 *
 *   wsn-wasm-meta IN.wasm META.txt OUT.wasm
 *
 * clang 14's wasm-ld cannot emit custom sections from C, and neither wat2wasm nor asc can, so
 * every SDK build recipe runs this step after linking. An existing wsn.meta section is
 * replaced. The metadata text is checked for shape only (`key = value` lines, `#` comments);
 * the host checks the meaning when it loads the module. Plain C, no dependencies.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int read_file(const char* path, unsigned char** data, size_t* size) {
  FILE* f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return 0;
  }
  size_t cap = 1 << 16, n = 0;
  unsigned char* buf = malloc(cap);
  for (;;) {
    if (!buf) {
      fclose(f);
      fprintf(stderr, "%s: out of memory\n", path);
      return 0;
    }
    n += fread(buf + n, 1, cap - n, f);
    if (n < cap) break;
    cap *= 2;
    buf = realloc(buf, cap);
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    fprintf(stderr, "%s: read error\n", path);
    free(buf);
    return 0;
  }
  *data = buf;
  *size = n;
  return 1;
}

/* Reads an unsigned LEB128 u32; returns bytes used, 0 on error. */
static size_t read_leb(const unsigned char* p, const unsigned char* end, uint32_t* out) {
  uint64_t v = 0;
  for (size_t k = 0; k < 5 && p + k < end; ++k) {
    v |= (uint64_t)(p[k] & 0x7f) << (7 * k);
    if (!(p[k] & 0x80)) {
      if (v > 0xffffffffu) return 0;
      *out = (uint32_t)v;
      return k + 1;
    }
  }
  return 0;
}

static size_t write_leb(unsigned char* p, uint32_t v) {
  size_t n = 0;
  do {
    unsigned char b = v & 0x7f;
    v >>= 7;
    p[n++] = b | (v ? 0x80 : 0);
  } while (v);
  return n;
}

static int check_meta(const char* path, const unsigned char* t, size_t n) {
  size_t line = 1, k = 0;
  while (k < n) {
    size_t e = k;
    while (e < n && t[e] != '\n') ++e;
    size_t b = k;
    while (b < e && (t[b] == ' ' || t[b] == '\t' || t[b] == '\r')) ++b;
    if (b < e && t[b] != '#') {
      const unsigned char* eq = memchr(t + b, '=', e - b);
      if (!eq || eq == t + b) {
        fprintf(stderr, "%s:%zu: expected 'key = value'\n", path, line);
        return 0;
      }
    }
    if (memchr(t + k, 0, e - k)) {
      fprintf(stderr, "%s:%zu: NUL byte in metadata\n", path, line);
      return 0;
    }
    k = e + 1;
    ++line;
  }
  return 1;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s IN.wasm META.txt OUT.wasm\n", argv[0]);
    return 2;
  }
  unsigned char *wasm = NULL, *meta = NULL;
  size_t wasm_size = 0, meta_size = 0;
  if (!read_file(argv[1], &wasm, &wasm_size) || !read_file(argv[2], &meta, &meta_size)) return 1;
  static const unsigned char kMagic[8] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  if (wasm_size < 8 || memcmp(wasm, kMagic, 8) != 0) {
    fprintf(stderr, "%s: not a WebAssembly binary (version 1)\n", argv[1]);
    return 1;
  }
  if (!check_meta(argv[2], meta, meta_size)) return 1;

  FILE* out = fopen(argv[3], "wb");
  if (!out) {
    perror(argv[3]);
    return 1;
  }
  fwrite(wasm, 1, 8, out);
  /* Copy every section except an existing wsn.meta. */
  const unsigned char* p = wasm + 8;
  const unsigned char* end = wasm + wasm_size;
  while (p < end) {
    const unsigned char* start = p;
    unsigned char id = *p++;
    uint32_t size = 0;
    size_t n = read_leb(p, end, &size);
    if (!n || size > (size_t)(end - p - n)) {
      fprintf(stderr, "%s: malformed section at offset %zu\n", argv[1], (size_t)(start - wasm));
      fclose(out);
      remove(argv[3]);
      return 1;
    }
    p += n;
    int skip = 0;
    if (id == 0) {
      uint32_t name_len = 0;
      size_t m = read_leb(p, p + size, &name_len);
      if (m && name_len <= size - m && name_len == strlen("wsn.meta") &&
          memcmp(p + m, "wsn.meta", name_len) == 0) {
        skip = 1;
      }
    }
    if (!skip) fwrite(start, 1, (size_t)(p - start) + size, out);
    p += size;
  }
  /* Append the new section: id 0, size, name, payload. */
  static const char kName[] = "wsn.meta";
  unsigned char hdr[16];
  unsigned char name_leb[8];
  size_t name_leb_len = write_leb(name_leb, (uint32_t)(sizeof kName - 1));
  uint32_t payload = (uint32_t)(name_leb_len + sizeof kName - 1 + meta_size);
  size_t hdr_len = 0;
  hdr[hdr_len++] = 0;
  hdr_len += write_leb(hdr + hdr_len, payload);
  fwrite(hdr, 1, hdr_len, out);
  fwrite(name_leb, 1, name_leb_len, out);
  fwrite(kName, 1, sizeof kName - 1, out);
  fwrite(meta, 1, meta_size, out);
  if (fclose(out) != 0) {
    perror(argv[3]);
    return 1;
  }
  free(wasm);
  free(meta);
  return 0;
}
