/*
 * json_get - the shell tests' JSON reader (jansson), so they depend on
 * member names and values, never on the layout of the text.
 *   json_get FILE PATH        the value at PATH ("a.b.0.c": members and
 *                             array indices): strings raw, anything else
 *                             as compact JSON; exit 1 if PATH is absent
 *   json_get --canon FILE KEY...  the listed top-level members as one
 *                             compact JSON object, keys sorted
 *   json_get --compact FILE   the whole file as compact JSON
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *load(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	if (!j) {
		fprintf(stderr, "json_get: %s:%d: %s\n", path, e.line, e.text);
		exit(2);
	}
	return j;
}

static void print(json_t *v, size_t flags)
{
	if (json_is_string(v))
		puts(json_string_value(v));
	else {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | flags);
		puts(s ? s : "");
		free(s);
	}
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "--compact")) {
		json_t *j = load(argv[2]);
		print(j, JSON_REAL_PRECISION(10));
		json_decref(j);
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "--canon")) {
		json_t *j = load(argv[2]), *o = json_object();
		for (int i = 3; i < argc; i++) {
			json_t *m = json_object_get(j, argv[i]);
			if (m)
				json_object_set(o, argv[i], m);
		}
		print(o, JSON_SORT_KEYS);
		json_decref(o);
		json_decref(j);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: json_get FILE PATH | --canon FILE KEY... | --compact FILE\n");
		return 2;
	}
	json_t *j = load(argv[1]), *v = j;
	char *path = strdup(argv[2]);
	for (char *save = NULL, *tok = strtok_r(path, ".", &save); tok && v;
	     tok = strtok_r(NULL, ".", &save)) {
		char *end;
		long idx = strtol(tok, &end, 10);
		v = json_is_array(v) && !*end ? json_array_get(v, (size_t)idx)
					       : json_object_get(v, tok);
	}
	free(path);
	if (!v) {
		fprintf(stderr, "json_get: %s: no %s\n", argv[1], argv[2]);
		json_decref(j);
		return 1;
	}
	print(v, JSON_REAL_PRECISION(10));
	json_decref(j);
	return 0;
}
