{{/*
Names, labels and shared pod pieces of the HMM Trade chart.
*/}}

{{- define "hmmtrade.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, prefixed with the chart name unless it already contains it. */}}
{{- define "hmmtrade.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "hmmtrade.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "hmmtrade.labels" -}}
helm.sh/chart: {{ include "hmmtrade.chart" . }}
app.kubernetes.io/name: {{ include "hmmtrade.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hmmtrade
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one component: call with (dict "root" $ "component" "api"). */}}
{{- define "hmmtrade.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hmmtrade.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of one component's objects: call with (dict "root" $ "component" "api"). */}}
{{- define "hmmtrade.componentLabels" -}}
{{ include "hmmtrade.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Object name of one component: call with (dict "root" $ "component" "api"). */}}
{{- define "hmmtrade.componentName" -}}
{{- printf "%s-%s" (include "hmmtrade.fullname" .root | trunc 52 | trimSuffix "-") .component }}
{{- end }}

{{/* ServiceAccount name of one component: call with (dict "root" $ "component" "api"). */}}
{{- define "hmmtrade.serviceAccountName" -}}
{{- $sa := (index .root.Values .component).serviceAccount }}
{{- if $sa.create }}
{{- default (include "hmmtrade.componentName" .) $sa.name }}
{{- else }}
{{- required (printf "%s.serviceAccount.name is required when %s.serviceAccount.create is false" .component .component) $sa.name }}
{{- end }}
{{- end }}

{{/* image reference of one component: call with (dict "root" $ "component" "api"). */}}
{{- define "hmmtrade.image" -}}
{{- $image := (index .root.Values .component).image }}
{{- printf "%s:%s" $image.repository (default .root.Chart.AppVersion $image.tag) }}
{{- end }}

{{/* Namespace of the TradingBots, their pods and Secrets. */}}
{{- define "hmmtrade.botNamespace" -}}
{{- default .Release.Namespace .Values.watchNamespace }}
{{- end }}

{{/* Names of the Secrets the chart reads. */}}
{{- define "hmmtrade.databaseSecret" -}}
{{- default (printf "%s-database" (include "hmmtrade.fullname" .)) .Values.database.existingSecret }}
{{- end }}
{{- define "hmmtrade.machineJwtSecret" -}}
{{- default (printf "%s-machine-jwt" (include "hmmtrade.fullname" .)) .Values.machineJwt.existingSecret }}
{{- end }}
{{- define "hmmtrade.kmsSecret" -}}
{{- default (printf "%s-kms" (include "hmmtrade.fullname" .)) .Values.kms.local.existingSecret }}
{{- end }}

{{/* The api's in-cluster URL. */}}
{{- define "hmmtrade.apiUrl" -}}
{{- printf "http://%s.%s.svc:%d" (include "hmmtrade.componentName" (dict "root" . "component" "api")) .Release.Namespace (int .Values.api.service.port) }}
{{- end }}

{{/* Data directory of the api and the operator (an emptyDir): hmmtrade's keys live under
<dataDir>/secrets. */}}
{{- define "hmmtrade.dataDir" -}}
/var/lib/hmmtrade
{{- end }}

{{/* Does this pod (dict "root" $ "component" c) need the local KMS master keys? Only the api. */}}
{{- define "hmmtrade.usesLocalKms" -}}
{{- if and (eq .component "api") (eq .root.Values.kms.provider "local") }}true{{ end }}
{{- end }}

{{/* Environment shared by the api and the operator. */}}
{{- define "hmmtrade.commonEnv" -}}
- name: HOST
  value: 0.0.0.0
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: HMMTRADE_DATA_DIR
  value: {{ include "hmmtrade.dataDir" . }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "hmmtrade.databaseSecret" . }}
      key: {{ .Values.database.key }}
{{- end }}

{{/*
Volumes of the api and the operator: call with (dict "root" $ "component" c). The key Secrets are
mounted for the secrets init container only; it copies them into the in-memory `secrets` volume.
*/}}
{{- define "hmmtrade.commonVolumes" -}}
- name: tmp
  emptyDir: {}
- name: data
  emptyDir: {}
- name: secrets
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
- name: machine-jwt
  secret:
    secretName: {{ include "hmmtrade.machineJwtSecret" .root }}
    defaultMode: 288 # 0440: readable through fsGroup
    items:
      - key: {{ .root.Values.machineJwt.key }}
        path: machine-jwt-key.json
{{- if include "hmmtrade.usesLocalKms" . }}
- name: kms
  secret:
    secretName: {{ include "hmmtrade.kmsSecret" .root }}
    defaultMode: 288 # 0440: readable through fsGroup
{{- end }}
{{- end }}

{{/* Mounts of the api's and the operator's main container: call with $. */}}
{{- define "hmmtrade.commonVolumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: {{ include "hmmtrade.dataDir" . }}
- name: secrets
  mountPath: {{ include "hmmtrade.dataDir" . }}/secrets
  readOnly: true
{{- end }}

{{/*
The init container that puts the keys where hmmtrade reads them: call with
(dict "root" $ "component" c). A Secret volume's files are group-readable under fsGroup (and
unreadable to a non-root user without it), but hmmtrade refuses master key files that group or
others can read. So the Secrets are copied into <dataDir>/secrets (an in-memory emptyDir): the
machine JWT key as machine-jwt-key.json, the local KMS master keys into kms/ (0700), every file
0600 and owned by the pod's user. Without a master key it fails, so that the api never wraps
broker credentials with a key that would vanish with the pod.
*/}}
{{- define "hmmtrade.secretsInitContainer" -}}
{{- $component := index .root.Values .component -}}
- name: secrets
  image: {{ include "hmmtrade.image" . }}
  imagePullPolicy: {{ $component.image.pullPolicy }}
  command:
    - node
    - -e
    - |
      const fs = require('node:fs');
      const dir = '{{ include "hmmtrade.dataDir" .root }}/secrets';
      const copy = (from, to) => {
        fs.copyFileSync(from, to);
        fs.chmodSync(to, 0o600);
      };
      copy('/etc/hmmtrade/machine-jwt/machine-jwt-key.json', dir + '/machine-jwt-key.json');
      {{- if include "hmmtrade.usesLocalKms" . }}
      fs.mkdirSync(dir + '/kms', { recursive: true, mode: 0o700 });
      fs.chmodSync(dir + '/kms', 0o700);
      const keys = fs.readdirSync('/etc/hmmtrade/kms').filter((n) => /^master-\d+\.key$/.test(n));
      if (keys.length === 0) {
        console.error('Secret {{ include "hmmtrade.kmsSecret" .root }} holds no master-NNNNNN.key entry');
        process.exit(1);
      }
      for (const name of keys) copy('/etc/hmmtrade/kms/' + name, dir + '/kms/' + name);
      {{- end }}
  resources:
    requests:
      cpu: 10m
      memory: 32Mi
    limits:
      memory: 64Mi
  securityContext:
    {{- toYaml .root.Values.containerSecurityContext | nindent 4 }}
  volumeMounts:
    - name: secrets
      mountPath: {{ include "hmmtrade.dataDir" .root }}/secrets
    - name: machine-jwt
      mountPath: /etc/hmmtrade/machine-jwt
      readOnly: true
    {{- if include "hmmtrade.usesLocalKms" . }}
    - name: kms
      mountPath: /etc/hmmtrade/kms
      readOnly: true
    {{- end }}
{{- end }}

{{/* /healthz (liveness) and /readyz (readiness) on the container port named http. */}}
{{- define "hmmtrade.probes" -}}
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  initialDelaySeconds: 5
  periodSeconds: 10
  timeoutSeconds: 3
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  periodSeconds: 5
  timeoutSeconds: 3
  failureThreshold: 3
{{- end }}

{{/* Scheduling and pull settings of one component's pod spec. */}}
{{- define "hmmtrade.podScheduling" -}}
{{- $values := index .root.Values .component }}
{{- with .root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* NetworkPolicy egress rules: DNS anywhere; TCP ports to CIDRs (any address when none). */}}
{{- define "hmmtrade.np.dns" -}}
# DNS
- ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end }}
{{- define "hmmtrade.np.portsTo" -}}
- ports:
    {{- range .ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
  {{- with .cidrs }}
  to:
    {{- range . }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  {{- end }}
{{- end }}
