/*
 * cc_device_gateway — the local broker's device gateway: what AWS IoT Core checks for every
 * device connection, subscription and message, as a mosquitto 2.0 plugin.
 *
 * Identity is the client certificate, never what the client says. The plugin reads a file of
 * active certificates ("<certificate id> <name>" per line; the id is the SHA-256 of the
 * certificate's DER, as AWS IoT's certificate ids are), which the local stack keeps current
 * from IoT's certificate statuses (infra/local/certificates.py) and reloads with SIGHUP.
 *
 *   CONNECT    the certificate must be in the file and its CN (the thing name, which the local
 *              CA writes) must be the name there; the client id must be that name (iot:Connect
 *              on client/${iot:Connection.Thing.ThingName}). The username becomes the name.
 *              On reload every connected client is checked again: a certificate revoked or
 *              rotated out is disconnected.
 *   PUBLISH    a device: only cc/<tenant>/d/<thing>/{telemetry,event} and their Basic Ingest
 *              forms, <tenant> being its own city (the thing name's prefix), payload at most
 *              128 KiB, certificate still active. The bridge: commands (cc/.../cmd) only.
 *   SUBSCRIBE  a device: its own command topic only (anything else: SUBACK 0x87); the bridge:
 *              the device topics and Basic Ingest topics.
 *   MESSAGE    every device message carries the user property cc-certificate-id, the sending
 *              certificate, so the rules side can check that very certificate; a device that
 *              sends that property itself is refused.
 *
 * Options (mosquitto.conf): plugin_opt_certificates <file>, plugin_opt_bridge <name>.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <mosquitto.h>
#include <mosquitto_broker.h>
#include <mosquitto_plugin.h>
#include <mqtt_protocol.h>

#define CERT_PROPERTY "cc-certificate-id"
#define PREFIX "cc/"
#define BASIC_INGEST "$aws/rules/"
#define MAX_PAYLOAD (128u * 1024u)
#define ID_LEN 64
#define NAME_MAX_LEN 128

struct entry {
	char id[ID_LEN + 1];
	char name[NAME_MAX_LEN + 1];
};

static mosquitto_plugin_id_t *plugin_id;
static char *certificates_path;
static char *bridge_name;
static struct entry *entries;
static size_t entry_count;

static int by_id(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->id, ((const struct entry *)b)->id);
}

/* Read the file of active certificates; on failure keep what was there (and say so). */
static int load(void)
{
	FILE *f = fopen(certificates_path, "r");
	struct entry *list = NULL, *grown;
	size_t n = 0, cap = 0;
	char line[512];

	if(!f){
		mosquitto_log_printf(MOSQ_LOG_ERR, "cc_device_gateway: cannot read %s", certificates_path);
		return MOSQ_ERR_UNKNOWN;
	}
	while(fgets(line, sizeof(line), f)){
		struct entry e;
		if(line[0] == '#' || sscanf(line, "%64s %128s", e.id, e.name) != 2 || strlen(e.id) != ID_LEN){
			continue;
		}
		if(n == cap){
			cap = cap ? cap * 2 : 256;
			grown = realloc(list, cap * sizeof(*list));
			if(!grown){
				free(list);
				fclose(f);
				return MOSQ_ERR_NOMEM;
			}
			list = grown;
		}
		list[n++] = e;
	}
	fclose(f);
	qsort(list, n, sizeof(*list), by_id);
	free(entries);
	entries = list;
	entry_count = n;
	mosquitto_log_printf(MOSQ_LOG_NOTICE, "cc_device_gateway: %zu active certificates", n);
	return MOSQ_ERR_SUCCESS;
}

/* The name the client's certificate stands for, or NULL when the certificate is not active
 * (or its CN is not that name). Writes the certificate id to ``id``. */
static const char *identity(struct mosquitto *client, char id[ID_LEN + 1])
{
	X509 *cert = mosquitto_client_certificate(client);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0, i;
	char cn[NAME_MAX_LEN + 1] = "";
	struct entry key, *found;

	id[0] = '\0';
	if(!cert){
		return NULL;
	}
	if(X509_digest(cert, EVP_sha256(), md, &md_len) != 1 || md_len * 2 != ID_LEN){
		X509_free(cert);
		return NULL;
	}
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof(cn));
	X509_free(cert);
	for(i = 0; i < md_len; i++){
		snprintf(id + 2 * i, 3, "%02x", md[i]);
	}
	memcpy(key.id, id, ID_LEN + 1);
	found = entry_count ? bsearch(&key, entries, entry_count, sizeof(*entries), by_id) : NULL;
	if(!found || strcmp(found->name, cn) != 0){
		return NULL;
	}
	return found->name;
}

static bool is_bridge(const char *name)
{
	return strcmp(name, bridge_name) == 0;
}

/* Does ``topic`` equal cc/<tenant>/d/<thing>/<kind> for this thing (its tenant = the part before
 * the first '_')? ``rest`` may start with a Basic Ingest prefix when ``basic_ingest`` is true. */
static bool own_topic(const char *topic, const char *thing, const char *kind, bool basic_ingest)
{
	const char *cut = strchr(thing, '_');
	char expected[2 * NAME_MAX_LEN + 32];

	if(!cut){
		return false;
	}
	if(basic_ingest && strncmp(topic, BASIC_INGEST, strlen(BASIC_INGEST)) == 0){
		const char *rule_end = strchr(topic + strlen(BASIC_INGEST), '/');
		if(!rule_end || rule_end == topic + strlen(BASIC_INGEST)){
			return false;
		}
		topic = rule_end + 1;
	}
	snprintf(expected, sizeof(expected), PREFIX "%.*s/d/%s/%s", (int)(cut - thing), thing, thing, kind);
	return strcmp(topic, expected) == 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int on_basic_auth(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_basic_auth *ed = event_data;
	char id[ID_LEN + 1];
	const char *name = identity(ed->client, id);
	const char *client_id = mosquitto_client_id(ed->client);
	(void)event; (void)userdata;

	if(!name){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "cc_device_gateway: refused %s: certificate %.12s is not active",
				client_id ? client_id : "?", id[0] ? id : "(none)");
		return MOSQ_ERR_AUTH;
	}
	if(!client_id || strcmp(client_id, name) != 0){
		mosquitto_log_printf(MOSQ_LOG_NOTICE, "cc_device_gateway: refused client id %s: the certificate is %s's",
				client_id ? client_id : "(none)", name);
		return MOSQ_ERR_AUTH;
	}
	return mosquitto_set_username(ed->client, name);
}

static int on_acl_check(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_acl_check *ed = event_data;
	char id[ID_LEN + 1];
	const char *name = identity(ed->client, id);
	(void)event; (void)userdata;

	if(!name){
		return MOSQ_ERR_ACL_DENIED;  /* revoked or rotated out since it connected */
	}
	if(is_bridge(name)){
		switch(ed->access){
			case MOSQ_ACL_WRITE:
				return starts_with(ed->topic, PREFIX) && ends_with(ed->topic, "/cmd") ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
			case MOSQ_ACL_SUBSCRIBE:
			case MOSQ_ACL_READ:
			case MOSQ_ACL_UNSUBSCRIBE:
				return starts_with(ed->topic, PREFIX) || starts_with(ed->topic, BASIC_INGEST) ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
			default:
				return MOSQ_ERR_ACL_DENIED;
		}
	}
	switch(ed->access){
		case MOSQ_ACL_WRITE:
			if(ed->payloadlen > MAX_PAYLOAD){
				return MOSQ_ERR_ACL_DENIED;
			}
			return own_topic(ed->topic, name, "telemetry", true) || own_topic(ed->topic, name, "event", true)
				? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
		case MOSQ_ACL_SUBSCRIBE:
		case MOSQ_ACL_READ:
		case MOSQ_ACL_UNSUBSCRIBE:
			return own_topic(ed->topic, name, "cmd", false) ? MOSQ_ERR_SUCCESS : MOSQ_ERR_ACL_DENIED;
		default:
			return MOSQ_ERR_ACL_DENIED;
	}
}

static int on_message(int event, void *event_data, void *userdata)
{
	struct mosquitto_evt_message *ed = event_data;
	char id[ID_LEN + 1];
	const char *name;
	const mosquitto_property *p;
	(void)event; (void)userdata;

	if(!ed->client){
		return MOSQ_ERR_SUCCESS;
	}
	name = identity(ed->client, id);
	if(!name){
		return MOSQ_ERR_ACL_DENIED;
	}
	if(is_bridge(name)){
		return MOSQ_ERR_SUCCESS;
	}
	for(p = ed->properties; p; p = mosquitto_property_next(p)){
		char *key = NULL, *value = NULL;
		bool claimed = false;
		if(mosquitto_property_identifier(p) == MQTT_PROP_USER_PROPERTY
				&& mosquitto_property_read_string_pair(p, MQTT_PROP_USER_PROPERTY, &key, &value, false)){
			claimed = key && strcmp(key, CERT_PROPERTY) == 0;
		}
		free(key);
		free(value);
		if(claimed){
			return MOSQ_ERR_ACL_DENIED;  /* only the gateway says which certificate sent a message */
		}
	}
	return mosquitto_property_add_string_pair(&ed->properties, MQTT_PROP_USER_PROPERTY, CERT_PROPERTY, id);
}

static int on_reload(int event, void *event_data, void *userdata)
{
	(void)event; (void)event_data; (void)userdata;
	load();
	return MOSQ_ERR_PLUGIN_DEFER;  /* let the broker go on with its own reload (it re-checks every client) */
}

int mosquitto_plugin_version(int supported_version_count, const int *supported_versions)
{
	int i;
	for(i = 0; i < supported_version_count; i++){
		if(supported_versions[i] == 5){
			return 5;
		}
	}
	return -1;
}

int mosquitto_plugin_init(mosquitto_plugin_id_t *identifier, void **user_data, struct mosquitto_opt *opts, int opt_count)
{
	int i, rc;
	(void)user_data;

	plugin_id = identifier;
	for(i = 0; i < opt_count; i++){
		if(strcmp(opts[i].key, "certificates") == 0){
			certificates_path = strdup(opts[i].value);
		}else if(strcmp(opts[i].key, "bridge") == 0){
			bridge_name = strdup(opts[i].value);
		}
	}
	if(!certificates_path || !bridge_name){
		mosquitto_log_printf(MOSQ_LOG_ERR, "cc_device_gateway: plugin_opt_certificates and plugin_opt_bridge are required");
		return MOSQ_ERR_INVAL;
	}
	rc = load();
	if(rc){
		return rc;
	}
	if(mosquitto_callback_register(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL, NULL)
			|| mosquitto_callback_register(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL, NULL)
			|| mosquitto_callback_register(plugin_id, MOSQ_EVT_MESSAGE, on_message, NULL, NULL)
			|| mosquitto_callback_register(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL, NULL)){
		return MOSQ_ERR_UNKNOWN;
	}
	return MOSQ_ERR_SUCCESS;
}

int mosquitto_plugin_cleanup(void *user_data, struct mosquitto_opt *opts, int opt_count)
{
	(void)user_data; (void)opts; (void)opt_count;
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_BASIC_AUTH, on_basic_auth, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_ACL_CHECK, on_acl_check, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_MESSAGE, on_message, NULL);
	mosquitto_callback_unregister(plugin_id, MOSQ_EVT_RELOAD, on_reload, NULL);
	free(entries);
	entries = NULL;
	entry_count = 0;
	free(certificates_path);
	free(bridge_name);
	certificates_path = bridge_name = NULL;
	return MOSQ_ERR_SUCCESS;
}
