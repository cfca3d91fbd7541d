{{- define "paddock.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "paddock.labels" -}}
app.kubernetes.io/name: paddock
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Sandbox NetworkPolicies admit app.kubernetes.io/name=paddock, component=worker: keep these. */}}
{{- define "paddock.selectorLabels" -}}
app.kubernetes.io/name: paddock
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "paddock.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "paddock.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{ default (include "paddock.fullname" .) .Values.serviceAccount.name }}
{{- else -}}
{{ default "default" .Values.serviceAccount.name }}
{{- end -}}
{{- end -}}

{{- define "paddock.secretName" -}}
{{ default (include "paddock.fullname" .) .Values.secrets.existingSecret }}
{{- end -}}

{{/* One namespace for every team → namespaced Role; otherwise a ClusterRole. */}}
{{- define "paddock.clusterWide" -}}
{{- if contains "{team}" .Values.sandboxes.namespace -}}true{{- end -}}
{{- end -}}
