#!/usr/bin/env bash
# The quickstart walk (docs/quickstart.md), runnable: `bash docs/quickstart.sh [base-url]`.
# Needs curl and jq? No: python3 parses the JSON, so nothing beyond the demo is required.
set -euo pipefail
BASE=${1:-http://127.0.0.1:8000}
j() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {}, {'d': d}))" "$1"; }
login() { curl -sf -X POST "$BASE/api/auth/token" -H 'Content-Type: application/json' \
  -d "{\"username\":\"$1\",\"password\":\"Qitong#2026\"}" | j 'd["access_token"]'; }
dept() { curl -sf "$BASE/api/departments" -H "Authorization: Bearer $AGENT" |
  j "[x['id'] for x in d if x['code']=='$1'][0]"; }
# act USER_TOKEN TICKET ACTION VERSION [JSON] -> prints the new version
act() { curl -sf -X POST "$BASE/api/tickets/$2/actions/$3" -H "Authorization: Bearer $1" \
  -H "If-Match: \"$4\"" -H 'Content-Type: application/json' -d "${5:-{\}}" | j 'd["version"]'; }

ENT=$(login qy001); AGENT=$(login agent); DISP=$(login dispatcher)
H=$(login scjgj_jbr); L=$(login scjgj_ld); CO=$(login zjj_jbr)
SCJ=$(dept scjgj); ZJJ=$(dept zjj); ZGJ=$(dept zgj)

echo "== 1. the business submits (Idempotency-Key makes a retry safe)"
T=$(curl -sf -X POST "$BASE/api/tickets" -H "Authorization: Bearer $ENT" -H 'Content-Type: application/json' \
  -H "Idempotency-Key: quickstart-$(date +%s%N)" \
  -d '{"title":"食品经营许可证延续审批超时","content":"我社的食品经营许可证延续申请已提交二十天，至今未办结，影响正常经营。","ticket_type":"help","submitter_name":"林海","submitter_phone":"13900001234"}')
ID=$(echo "$T" | j 'd["id"]'); V=$(echo "$T" | j 'd["version"]')
echo "ticket $(echo "$T" | j 'd["number"]'), query code $(echo "$T" | j 'd["query_code"]')"

echo "== 2. the center accepts and dispatches to a lead unit and a co-unit"
V=$(act "$AGENT" "$ID" accept "$V" '{"complexity":"complex"}')
V=$(act "$DISP" "$ID" dispatch "$V" "{\"lead_unit_id\":$SCJ,\"co_unit_ids\":[$ZJJ]}")

echo "== 3. the department signs, contacts, gathers the co-unit's opinion, drafts; its leader signs off"
V=$(act "$H" "$ID" sign_for "$V")
V=$(act "$H" "$ID" contact "$V" '{"contact_method":"phone"}')
V=$(act "$CO" "$ID" co_opinion "$V" '{"opinion":"经营场所未涉及改建，同意延续。"}')
V=$(act "$H" "$ID" reply_draft "$V" '{"reply":"已完成许可证延续审批，电子证照已推送。"}')
V=$(act "$L" "$ID" sign_off "$V")

echo "== 4. the center verifies; the business confirms and rates; the center closes"
V=$(act "$AGENT" "$ID" verify "$V")
V=$(act "$ENT" "$ID" confirm "$V" '{"rating_process":5,"rating_result":5,"comment":"很快"}')
V=$(act "$AGENT" "$ID" close "$V")
curl -sf "$BASE/api/tickets/$ID/timeline" -H "Authorization: Bearer $AGENT" | j '" → ".join(e["label"] for e in d)'

echo "== 5. the errors: 403 wrong role, 409 illegal action, 412 stale version, 422 bad field"
curl -s -o /dev/null -w '%{http_code}\n' -X POST "$BASE/api/tickets/$ID/actions/accept" -H "Authorization: Bearer $H"
curl -s -X POST "$BASE/api/tickets/$ID/actions/verify" -H "Authorization: Bearer $AGENT" | j 'd["detail"]'
curl -s -X POST "$BASE/api/tickets/$ID/actions/note" -H "Authorization: Bearer $AGENT" -H 'If-Match: "1"' \
  -H 'Content-Type: application/json' -d '{"text":"x"}' | j 'd["detail"]'
curl -s -X POST "$BASE/api/enterprises" -H "Authorization: Bearer $AGENT" -H 'Content-Type: application/json' \
  -d '{"uscc":"91330299MA2H000010","name":"象湖县测试有限公司"}' | j 'd["detail"]'

echo "== 6. the other road: return, extension, dissatisfied, redispatch, escalation"
T=$(curl -sf -X POST "$BASE/api/tickets" -H "Authorization: Bearer $ENT" -H 'Content-Type: application/json' \
  -d '{"title":"冷库建设用地规划调整迟迟未批","content":"合作社新建冷库的用地规划调整申请已三个月没有回音。","submitter_name":"林海","submitter_phone":"13900001234"}')
ID=$(echo "$T" | j 'd["id"]'); V=$(echo "$T" | j 'd["version"]')
ZJ=$(login zjj_jbr); ZG=$(login zgj_jbr); ZGL=$(login zgj_ld)
V=$(act "$AGENT" "$ID" accept "$V")
V=$(act "$DISP" "$ID" dispatch "$V" "{\"lead_unit_id\":$ZJJ}")
V=$(act "$ZJ" "$ID" return "$V" '{"reason":"用地规划调整属自然资源和规划部门职责"}')
V=$(act "$DISP" "$ID" dispatch "$V" "{\"lead_unit_id\":$ZGJ}")
V=$(act "$ZG" "$ID" sign_for "$V")
V=$(act "$ZG" "$ID" contact "$V")
V=$(act "$ZG" "$ID" extension_request "$V" '{"days":5,"reason":"需现场踏勘并征求乡镇意见"}')
V=$(act "$DISP" "$ID" extension_approve "$V")
V=$(act "$ZG" "$ID" reply_draft "$V" '{"reply":"已纳入下一批次规划调整计划。"}')
V=$(act "$ZGL" "$ID" sign_off "$V")
V=$(act "$AGENT" "$ID" verify "$V")
V=$(act "$ENT" "$ID" rate_dissatisfied "$V" '{"rating_process":2,"rating_result":1,"reason":"只是纳入计划，没有时间表"}')
V=$(act "$DISP" "$ID" redispatch "$V")
V=$(act "$ZG" "$ID" sign_for "$V")
V=$(act "$ZG" "$ID" contact "$V")
V=$(act "$DISP" "$ID" escalate "$V" '{"reason":"涉及多部门，提交“三分”例会","to_layer":"leader_meeting"}')
curl -sf "$BASE/api/tickets/$ID/timeline" -H "Authorization: Bearer $AGENT" | j '" → ".join(e["label"] for e in d)'
