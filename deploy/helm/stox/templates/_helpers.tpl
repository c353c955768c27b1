{{- define "stox.fullname" -}}
{{- printf "%s-%s" .Release.Name "stox" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "stox.labels" -}}
app.kubernetes.io/part-of: stox
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "stox.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
