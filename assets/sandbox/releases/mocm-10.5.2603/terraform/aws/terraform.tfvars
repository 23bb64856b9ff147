# Customer settings of this deployment.
name_prefix = "@@NAME_PREFIX@@"
aws_region  = "@@AWS_REGION@@"
environment = "prod"

vpc_id                     = "vpc-0a1b2c3d4e5f60718"
private_subnet_ids         = ["subnet-0a11b22c33d44e551", "subnet-0a11b22c33d44e552", "subnet-0a11b22c33d44e553"]
eks_node_security_group_id = "sg-0f1e2d3c4b5a69788"

elasticache_node_type = "cache.t3.medium"
log_retention_days    = 14
