# Security group of the ElastiCache (Redis) cluster. It is NOT part of
# 09-elasticache.tf: parking that file leaves this group in place.
resource "aws_security_group" "elasticache" {
  name        = "${var.name_prefix}-elasticache"
  description = "ElastiCache access from the EKS nodes"
  vpc_id      = var.vpc_id

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = {
    Name = "${var.name_prefix}-elasticache"
  }
}

resource "aws_security_group_rule" "eks_to_elasticache" {
  type                     = "ingress"
  description              = "Redis from the EKS nodes"
  from_port                = 6379
  to_port                  = 6379
  protocol                 = "tcp"
  security_group_id        = aws_security_group.elasticache.id
  source_security_group_id = var.eks_node_security_group_id
}
