# ElastiCache (Redis) — the application cache of release 10.5.2603.
#
# Everything that belongs to the Redis cluster lives in this one file: the
# cluster, its parameter and subnet groups, the elasticache_* variables and the
# redis_endpoint output. Renaming the file to 09-elasticache.tf.2603 therefore
# deactivates all of it in one step (OpenTofu only reads *.tf files).
# The security group aws_security_group.elasticache is defined in 02-sg.tf.

variable "elasticache_node_type" {
  description = "Node type of the Redis cluster"
  type        = string
  default     = "cache.t3.medium"
}

variable "elasticache_engine_version" {
  description = "Redis engine version"
  type        = string
  default     = "7.1"
}

variable "elasticache_port" {
  description = "Redis port"
  type        = number
  default     = 6379
}

resource "aws_elasticache_subnet_group" "elasticache" {
  name        = "${var.name_prefix}-cache"
  description = "Subnets of the Redis cluster"
  subnet_ids  = var.private_subnet_ids
}

resource "aws_elasticache_parameter_group" "elasticache" {
  name        = "${var.name_prefix}-cache"
  description = "Redis 7 parameters"
  family      = "redis7"

  parameter {
    name  = "maxmemory-policy"
    value = "allkeys-lru"
  }
}

resource "aws_elasticache_cluster" "elasticache" {
  cluster_id           = "${var.name_prefix}-cache"
  engine               = "redis"
  engine_version       = var.elasticache_engine_version
  node_type            = var.elasticache_node_type
  num_cache_nodes      = 1
  port                 = var.elasticache_port
  parameter_group_name = aws_elasticache_parameter_group.elasticache.name
  subnet_group_name    = aws_elasticache_subnet_group.elasticache.name
  security_group_ids   = [aws_security_group.elasticache.id]
}

output "redis_endpoint" {
  description = "Address of the Redis node"
  value       = aws_elasticache_cluster.elasticache.cache_nodes[0].address
}
