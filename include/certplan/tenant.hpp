// Tenant onboarding (hosted model): edit the topology text in place. (helper-owned; see issue 3)
#pragma once
